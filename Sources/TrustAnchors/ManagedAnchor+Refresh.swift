import DNSCache
import DNSSEC
import DNSWire

/// The RFC 5011 step for one fetched DNSKEY RRset.
///
/// How this reads RFC 5011 §2.1 and §4 on revocation. §2.1: "Once the resolver sees the REVOKE bit, it MUST NOT
/// use this key as a trust anchor or for any other purpose except to validate the RRSIG it signed over the
/// DNSKEY RRset specifically for the purpose of validating the revocation", and revocation is "immediate and
/// permanent upon receipt of a valid revocation". §4.1's Revbit event is a key seen with the REVOKE bit "in a
/// validly signed DNSKEY RRSet", and §2.1 defines a self-signed RRset as one "that contains the specific
/// DNSKEY and for which there is a corresponding validated signature". So the proof of a revocation is the
/// revoked key's own signature over the set, and nothing else: a revocation needs no other trusted key (else a
/// zone could never revoke its last key, and a mis-ordered roll would leave the old key trusted). It is
/// processed first, as Unbound's autotrust does. The revoked key's signature is then worth nothing more: the
/// set is acted on (new keys, missing keys, hold-downs) only when a trusted key *without* the REVOKE bit
/// validates it, because the revoked key may no longer be used "for any other purpose". A revocation can hit
/// a key in ADDPEND, VALID or MISSING (§4.2's table); a revoked key that does not sign the set, or that is not
/// a key being tracked, is ignored.
extension ManagedAnchor {
    /// RFC 5011 step for one fetched DNSKEY RRset of `zone` (with its RRSIGs).
    public mutating func refresh(with dnskeys: SignedRRSet, crypto: any DNSSECCrypto, limits: ValidationLimits,
                                 timers: HoldDowns, now: Int64) -> RefreshOutcome {
        lastAttempt = now
        let rrset = dnskeys.rrset
        guard rrset.name == zone, rrset.type == .dnskey, rrset.rrClass == .in else {
            return reject("\(rrset.name) \(rrset.rrClass) \(rrset.type) is not the DNSKEY RRset of \(zone.text)",
                          changes: [], timers: timers, now: now)
        }
        let published = rrset.rdatas.compactMap { rdata -> DNSKEY? in
            if case let .dnskey(key) = rdata { return key }
            return nil
        }

        var changes = processRevocations(in: dnskeys, published: published, crypto: crypto, limits: limits, now: now)

        let signers = trustedSigners(in: published, crypto: crypto, limits: limits)
        var budget = ValidationBudget()
        let validation = RRSIGValidator(crypto: crypto, limits: limits)
            .validate(dnskeys, zone: zone, keys: signers.map(\.key), now: now, budget: &budget)
        guard validation.verdict == .secure, let signature = validation.signature else {
            let signing = Set(dnskeys.signatures.filter { $0.typeCovered == .dnskey && $0.signerName == zone }
                .map(\.keyTag)).sorted()
            let trusted = trustedTags
            problem = trusted.isEmpty ? .noTrustedKey : .noTrustedSigner(signing: signing, trusted: trusted)
            let why: String
            if trusted.isEmpty {
                why = "no trusted key of \(zone.text) is left to validate its DNSKEY RRset"
            } else if signers.isEmpty {
                why = "the DNSKEY RRset of \(zone.text) (signed by \(keyList(signing))) holds none of the trusted "
                    + keyList(trusted)
            } else {
                why = "the DNSKEY RRset of \(zone.text) does not validate with the trusted \(keyList(trusted)): "
                    + (validation.verdict.reason?.text ?? "no signature verifies")
            }
            return reject(why, changes: changes, timers: timers, now: now)
        }

        lastSuccess = now
        failures = 0
        lastError = nil
        problem = nil
        originalTTL = signature.originalTTL
        signatureExpiration = now + max(0, ValidityWindow.serialDistance(from: UInt32(truncatingIfNeeded: now),
                                                                         to: signature.expiration))
        attachKeys(signers)
        changes += advance(published: published, timers: timers, now: now)
        changes += addNewKeys(published: published, now: now)
        changes += ageUntrustedKeys(timers: timers, now: now)
        if !keys.contains(where: \.isTrusted) { problem = .noTrustedKey }
        schedule(after: activeRefreshInterval(timers: timers, now: now), timers: timers, now: now)
        return RefreshOutcome(accepted: true, changes: changes)
    }

    /// The refresh could not be made (no reply, SERVFAIL, ...): schedule the retry timer.
    public mutating func refreshFailed(_ reason: String, timers: HoldDowns, now: Int64) -> RefreshOutcome {
        lastAttempt = now
        return reject(reason, changes: [], timers: timers, now: now)
    }

    /// A failed step: counted, remembered, retried on the RFC 5011 §2.3 retry timer.
    private mutating func reject(_ message: String, changes: [KeyChange], timers: HoldDowns, now: Int64) -> RefreshOutcome {
        failures += 1
        lastError = ManagedAnchor.oneLine(message)
        schedule(after: retryInterval(timers: timers, now: now), timers: timers, now: now)
        return RefreshOutcome(accepted: false, changes: changes, message: lastError)
    }

    /// `text` on one line, runs of white space as one space: what a state file can hold.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
    }

    // MARK: Revocation (RFC 5011 §2.1)

    /// Revokes every tracked key (ADDPEND, VALID, MISSING) whose revoked form is published and signs the set.
    private mutating func processRevocations(in signed: SignedRRSet, published: [DNSKEY], crypto: any DNSSECCrypto,
                                             limits: ValidationLimits, now: Int64) -> [KeyChange] {
        var changes: [KeyChange] = []
        var attempts = 0
        for revokedKey in published where revokedKey.isRevoked && revokedKey.isZoneKey && revokedKey.protocol == 3 {
            let identity = revokedKey.unrevoked
            let matching = keys.indices.filter { index in
                let key = keys[index]
                guard [.addPend, .valid, .missing].contains(key.state) else { return false }
                if let known = key.identity { return known == identity }
                guard let ds = key.ds else { return false }
                return DSMatcher(crypto: crypto, limits: limits)
                    .match(zone: zone, dsRecords: [ds], keys: [identity]).verdict == .secure
            }
            guard !matching.isEmpty,
                  isSelfSigned(revokedKey, in: signed, crypto: crypto, limits: limits, now: now, attempts: &attempts)
            else { continue }
            for index in matching {
                let from = keys[index].state
                keys[index].dnskey = revokedKey
                keys[index].keyTag = revokedKey.keyTag
                keys[index].state = .revoked
                keys[index].since = now
                keys[index].lastSeen = now
                keys[index].seenCount = 1
                changes.append(change(keys[index], from: from, to: .revoked,
                    "(was key \(identity.keyTag)): the zone revoked it with its own signature (RFC 5011 §2.1)"))
            }
            foldDuplicates()
        }
        return changes
    }

    /// True when an RRSIG by `key` itself, as published with the REVOKE bit, verifies over the DNSKEY RRset.
    ///
    /// `RRSIGValidator` refuses revoked keys, rightly for every other use, so this one check is made here:
    /// signer = zone, Labels, validity window and the signature over `Canonical.signedData`, at most
    /// `limits.maxSignaturesPerRRset` signature checks per refresh (KeyTrap).
    private func isSelfSigned(_ key: DNSKEY, in signed: SignedRRSet, crypto: any DNSSECCrypto,
                              limits: ValidationLimits, now: Int64, attempts: inout Int) -> Bool {
        guard crypto.supports(key.algorithm) else { return false }
        let tag = key.keyTag
        for rrsig in signed.signatures where rrsig.typeCovered == .dnskey && rrsig.signerName == zone
            && rrsig.keyTag == tag && rrsig.algorithm == key.algorithm {
            guard attempts < limits.maxSignaturesPerRRset else { return false }
            guard Int(rrsig.labels) <= signed.rrset.name.rrsigLabelCount,
                  ValidityWindow(rrsig).position(at: now, skew: limits.skew) == .valid,
                  let data = try? Canonical.signedData(rrsig: rrsig, rrset: signed.rrset)
            else { continue }
            attempts += 1
            if crypto.verify(algorithm: key.algorithm, publicKey: key.publicKey, signature: rrsig.signature,
                             data: data) == .valid {
                return true
            }
        }
        return false
    }

    // MARK: Validation

    /// The published keys a trusted key vouches for: a trusted DNSKEY present in the set as it is, or a key
    /// the DS of a trusted DS-only entry matches (`DSMatcher`, which never matches a revoked key).
    private func trustedSigners(in published: [DNSKEY], crypto: any DNSSECCrypto,
                                limits: ValidationLimits) -> [(index: Int, key: DNSKEY)] {
        var signers: [(index: Int, key: DNSKEY)] = []
        for (index, key) in keys.enumerated() where key.isTrusted {
            if let dnskey = key.dnskey {
                if !dnskey.isRevoked, published.contains(dnskey) { signers.append((index, dnskey)) }
            } else if let ds = key.ds {
                let match = DSMatcher(crypto: crypto, limits: limits).match(zone: zone, dsRecords: [ds], keys: published)
                if match.verdict == .secure { signers += match.keys.map { (index, $0) } }
            }
        }
        return signers
    }

    /// Stores the DNSKEY each DS-only entry matched, then merges entries that turned out to be one key.
    private mutating func attachKeys(_ signers: [(index: Int, key: DNSKEY)]) {
        for (index, key) in signers where keys[index].dnskey == nil {
            keys[index].dnskey = key
            keys[index].keyTag = key.keyTag
            keys[index].algorithm = key.algorithm
        }
        foldDuplicates()
    }

    /// Entries with the same key (a DS and a DNSKEY configured for it) become the first of them, keeping the DS.
    private mutating func foldDuplicates() {
        var folded: [ManagedKey] = []
        for key in keys {
            if let identity = key.identity, let first = folded.firstIndex(where: { $0.identity == identity }) {
                if folded[first].ds == nil { folded[first].ds = key.ds }
            } else {
                folded.append(key)
            }
        }
        keys = folded
    }

    // MARK: Transitions of an accepted set (RFC 5011 §4.2)

    /// Every tracked key's step for a validated set: seen again, missing, or past a hold-down.
    private mutating func advance(published: [DNSKEY], timers: HoldDowns, now: Int64) -> [KeyChange] {
        var changes: [KeyChange] = []
        var next: [ManagedKey] = []
        for var key in keys {
            let present = key.dnskey.map { !$0.isRevoked && published.contains($0) } ?? false
            let presentRevoked = key.identity.map { identity in
                published.contains { $0.isRevoked && $0.unrevoked == identity }
            } ?? false
            func enter(_ state: ManagedKeyState, _ why: String) {
                changes.append(change(key, from: key.state, to: state, why))
                key.state = state
                key.since = now
                key.seenCount = present ? 1 : 0
            }
            if present || (key.state == .revoked && presentRevoked) {
                key.lastSeen = now
                key.seenCount += 1
            }
            switch key.state {
            case .start:
                continue
            case .addPend:
                guard present else {
                    changes.append(change(key, from: .addPend, to: .start,
                        "dropped: it left the DNSKEY RRset before its add hold-down ended (RFC 5011 §4.2)"))
                    continue
                }
                if now >= (key.firstSeen ?? key.since) + timers.addHoldDown, key.seenCount >= 2 {
                    enter(.valid, "after the add hold-down (RFC 5011 §2.4.1)")
                }
            case .valid:
                if !present { enter(.missing, "gone from the DNSKEY RRset; still trusted (RFC 5011 §4.2)") }
            case .missing:
                if present {
                    enter(.valid, "back in the DNSKEY RRset")
                } else if timers.keepMissing > 0, now - key.since >= timers.keepMissing {
                    enter(.removed, "missing for longer than keep-missing (\(timers.keepMissing) s)")
                }
            case .revoked, .removed:
                break
            }
            next.append(key)
        }
        keys = next
        return changes
    }

    /// RFC 5011 §2.4.1: a new SEP key in a validated set starts its add hold-down. A key already tracked in any
    /// state, REVOKED and REMOVED included, is never added again.
    private mutating func addNewKeys(published: [DNSKEY], now: Int64) -> [KeyChange] {
        var changes: [KeyChange] = []
        for candidate in published where candidate.isTrustAnchorCandidate {
            guard !keys.contains(where: { $0.identity == candidate }) else { continue }
            var key = ManagedKey(dnskey: candidate, state: .addPend, since: now)
            key.firstSeen = now
            key.lastSeen = now
            key.seenCount = 1
            keys.append(key)
            changes.append(change(key, from: .start, to: .addPend, "new key seen; its add hold-down starts"))
        }
        return changes
    }

    /// RFC 5011 §4.2: REVOKED for the remove hold-down → REMOVED. REMOVED keys are remembered for keep-missing
    /// more (forever when it is 0), long past any signature that could replay the key unrevoked, then forgotten.
    private mutating func ageUntrustedKeys(timers: HoldDowns, now: Int64) -> [KeyChange] {
        var changes: [KeyChange] = []
        var next: [ManagedKey] = []
        for var key in keys {
            if key.state == .revoked, now - key.since >= timers.delHoldDown {
                changes.append(change(key, from: .revoked, to: .removed, "after the remove hold-down (RFC 5011 §2.4.2)"))
                key.state = .removed
                key.since = now
                key.seenCount = 0
            } else if key.state == .removed, timers.keepMissing > 0, now - key.since >= timers.keepMissing {
                changes.append(change(key, from: .removed, to: .start, "forgotten after keep-missing"))
                continue
            }
            next.append(key)
        }
        keys = next
        return changes
    }
}
