import DNSCache
import DNSWire

/// The zone-cut steps: a DNSKEY RRset vouched for by an anchor or DS, a DS RRset or its proven absence.
extension ChainOfTrust {
    /// RFC 4035 §5.2: the DNSKEY RRset is secure when a key that `source` vouches for signed it. Returns a step
    /// when the chain stops here (bogus), nil to go on.
    mutating func acceptDNSKEY(_ dnskey: SignedRRSet?, status: SecurityStatus, zone: Name,
                               source: KeySource) -> ChainStep? {
        guard let dnskey, dnskey.rrset.type == .dnskey, dnskey.rrset.name == zone else {
            return fail(Failure(reason: ValidationReason(.dnskeyMissing, "no DNSKEY RRset for zone \(zone)")))
        }
        let keys = dnskey.rrset.rdatas.compactMap { rdata -> DNSKEY? in
            if case let .dnskey(key) = rdata { return key } else { return nil }
        }
        switch status {
        case .secure:
            zones[zone] = .secure(keys)
            return nil
        case .insecure:
            zones[zone] = .insecure(nil)
            return nil
        case .bogus:
            return fail(Failure(reason: ValidationReason(.dnskeyMissing, "the DNSKEY RRset of zone \(zone) is cached as bogus")))
        case .unchecked, .indeterminate:
            break
        }

        let trusted: [DNSKEY]
        switch vouchedKeys(zone: zone, keys: keys, source: source) {
        case let .success(vouched):
            trusted = vouched
        case let .failure(failure):
            if case .anchor = source, case let .bogus(reason) = failure.verdict, reason.kind == .dnskeyMissing {
                return settle(zone: zone, verdict: .bogus(untrustedSigners(dnskey, zone: zone, trusted: [])), rrset: dnskey)
            }
            return settle(zone: zone, verdict: failure.verdict, rrset: dnskey)
        }
        let validation = RRSIGValidator(crypto: crypto, limits: limits)
            .validate(dnskey, zone: zone, keys: trusted, now: now, budget: &budget)
        if validation.verdict.isSecure { zones[zone] = .secure(keys) }
        if case .anchor = source, case let .bogus(reason) = validation.verdict, reason.kind == .dnskeyMissing {
            return settle(zone: zone, verdict: .bogus(untrustedSigners(dnskey, zone: zone, trusted: trusted)), rrset: validation.rrset)
        }
        return settle(zone: zone, verdict: validation.verdict, rrset: validation.rrset)
    }

    /// Why an anchor zone's DNSKEY RRset has no signature by a trusted key, in terms an operator can act on:
    /// which keys sign it and which the trust anchor holds (the signing key is often present, only not trusted).
    func untrustedSigners(_ dnskey: SignedRRSet, zone: Name, trusted: [DNSKEY]) -> ValidationReason {
        let signing = Set(dnskey.signatures.filter { $0.typeCovered == .dnskey && $0.signerName == zone }.map(\.keyTag)).sorted()
        let trustedTags = Array(Set(trusted.map(\.keyTag) + anchor.keyTags)).sorted()
        func list(_ tags: [UInt16]) -> String { tags.isEmpty ? "none" : tags.map(String.init).joined(separator: ", ") }
        return ValidationReason(.dnskeyMissing,
            "trust anchor for \(zone): its DNSKEY RRset is signed by key \(list(signing)), but only key \(list(trustedTags)) "
            + "is trusted; the anchor needs updating (RFC 5011 missed a key roll?)")
    }

    /// The keys allowed to sign the DNSKEY RRset: those a DS matches (`DSMatcher`), plus the anchor's own
    /// DNSKEYs for a key anchor. A failure carries the insecure or bogus verdict.
    func vouchedKeys(zone: Name, keys: [DNSKEY], source: KeySource) -> Result<[DNSKEY], VerdictError> {
        let dsRecords: [DS]
        var direct: [DNSKEY] = []
        switch source {
        case .anchor:
            dsRecords = anchor.ds
            direct = anchor.dnskeys.filter(\.isUsableZoneKey)
        case let .ds(records):
            dsRecords = records
        }
        var vouched = direct
        if !dsRecords.isEmpty {
            let match = DSMatcher(crypto: crypto, limits: limits).match(zone: zone, dsRecords: dsRecords, keys: keys)
            switch match.verdict {
            case .secure:
                vouched += match.keys.filter { !vouched.contains($0) }
            case .insecure, .bogus:
                if direct.isEmpty { return .failure(VerdictError(verdict: match.verdict)) }
            }
        }
        guard !vouched.isEmpty else {
            return .failure(VerdictError(verdict: .bogus(ValidationReason(.dnskeyMissing,
                "the trust anchor for zone \(zone) holds no usable key"))))
        }
        return .success(vouched)
    }

    /// Record a DNSKEY or DS outcome for `zone`: insecure marks the zone, bogus ends the chain.
    mutating func settle(zone: Name, verdict: Verdict, rrset: SignedRRSet) -> ChainStep? {
        chain.append(ValidatedRRSet(rrset: rrset, section: .chain, status: verdict.securityStatus))
        switch verdict {
        case .secure:
            return nil
        case let .insecure(reason):
            zones[zone] = .insecure(reason)
            return nil
        case let .bogus(reason):
            return fail(Failure(reason: reason))
        }
    }

    /// RFC 4035 §5.2: a DS RRset signed by the parent leads to the child's DNSKEY RRset; a DS RRset of only
    /// unsupported algorithms or digests makes the child insecure (RFC 6840 §5.2).
    mutating func acceptDS(_ signed: SignedRRSet, status: SecurityStatus, cut: Name, parent: Name) -> ChainStep? {
        guard signed.rrset.type == .ds, signed.rrset.name == cut else {
            return fail(Failure(reason: ValidationReason(.malformed, "the DS lookup at \(cut) returned \(signed.rrset.name) \(signed.rrset.type)")))
        }
        let records = signed.rrset.rdatas.compactMap { rdata -> DS? in
            if case let .ds(ds) = rdata { return ds } else { return nil }
        }
        let verdict: Verdict
        switch status {
        case .secure:
            verdict = .secure
        case .insecure:
            verdict = .insecure(nil)
        case .bogus:
            verdict = .bogus(ValidationReason(.dnskeyMissing, "the DS RRset at \(cut) is cached as bogus"))
        case .unchecked, .indeterminate:
            guard case let .secure(keys)? = zones[parent] else {
                zones[cut] = .insecure(nil)
                return nil
            }
            let validation = RRSIGValidator(crypto: crypto, limits: limits)
                .validate(signed, zone: parent, keys: keys, now: now, budget: &budget)
            verdict = validation.verdict
            if let step = settle(zone: cut, verdict: verdict, rrset: validation.rrset) { return step }
        }
        switch verdict {
        case .secure: break
        case let .insecure(reason):
            zones[cut] = .insecure(reason)
            return nil
        case let .bogus(reason):
            return fail(Failure(reason: reason))
        }
        // DS of only unsupported algorithms or digests: insecure without fetching the child's keys.
        let probe = DSMatcher(crypto: crypto, limits: limits).match(zone: cut, dsRecords: records, keys: [])
        if case .insecure = probe.verdict {
            zones[cut] = .insecure(probe.verdict.reason)
            return nil
        }
        return request(.needDNSKEY(zone: cut), then: .awaitingDNSKEY(zone: cut, source: .ds(records)))
    }

    /// RFC 4035 §5.2 and RFC 5155 §8.6/§8.9: the parent's NSEC/NSEC3 proves there is no DS at `cut`. With NS in
    /// the bitmap it is an unsigned delegation (insecure below); without, the name is no cut; an opt-out span
    /// is insecure; a proven NXDOMAIN means no cut at or below `cut`.
    mutating func acceptDenial(_ records: [SignedRRSet], cut: Name, parent: Name) -> ChainStep? {
        guard case let .secure(keys)? = zones[parent] else {
            zones[cut] = .insecure(nil)
            return nil
        }
        var proofSets: [RRSet] = []
        for signed in records where signed.rrset.type == .nsec || signed.rrset.type == .nsec3 {
            let validation = RRSIGValidator(crypto: crypto, limits: limits)
                .validate(signed, zone: parent, keys: keys, now: now, budget: &budget)
            if case let .bogus(reason) = validation.verdict, reason.kind == .limitExceeded { return fail(Failure(reason: reason)) }
            if validation.verdict.isSecure { proofSets.append(validation.rrset.rrset) }
        }
        let denial = DenialValidator(crypto: crypto, limits: limits)
        let noData = denial.prove(.noData(cut, .ds), zone: parent, records: proofSets, budget: &budget)
        switch noData.verdict {
        case .secure:
            if let types = noData.proof?.types, types.contains(.ns) {
                zones[cut] = .insecure(nil)
            } else {
                notCuts.insert(cut)
            }
            return nil
        case let .insecure(reason):
            zones[cut] = .insecure(reason)
            return nil
        case let .bogus(reason):
            let nameError = denial.prove(.nameError(cut), zone: parent, records: proofSets, budget: &budget)
            if nameError.verdict.isSecure {
                notCuts.insert(cut)
                return nil
            }
            return fail(Failure(reason: ValidationReason(reason.kind, "no DS at \(cut) is not proven: \(reason.text)")))
        }
    }
}

/// A verdict carried through a `Result` failure.
struct VerdictError: Error, Hashable {
    var verdict: Verdict
}
