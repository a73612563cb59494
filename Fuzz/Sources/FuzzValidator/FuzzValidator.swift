import DNSCache
import DNSCrypto
import DNSSEC
import DNSWire
import FuzzSupport

/// A message's RRsets, signatures and keys fed to the validator with OpenSSL doing the cryptography: RRSIG
/// checks with the keys the message holds at each signer, DS matching, NSEC/NSEC3 denial of what the question
/// asks, and a whole chain of trust from the message's topmost DNSKEY RRset, every lookup answered from the
/// message. Nothing traps, the chain ends within its lookup cap, and what is found secure is what was given.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValidator(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let message = try? Message(wire: fuzzInput(start, count)) else { return 0 }
    let crypto = OpenSSLCrypto(keyCacheCapacity: 8)
    let sets = SignedRRSet.group(message.answers + message.authority + message.additional)
    guard !sets.isEmpty else { return 0 }
    let signatures = sets.flatMap(\.signatures)
    // Inside the first signature's validity window, so that real signatures from the seeds verify.
    let now = signatures.first.map { Int64($0.inception) + 60 } ?? 1_796_000_000
    func keys(at zone: Name) -> [DNSKEY] {
        sets.filter { $0.rrset.type == .dnskey && $0.rrset.name == zone }.flatMap(\.rrset.rdatas).compactMap {
            if case let .dnskey(key) = $0 { return key } else { return nil }
        }
    }
    var budget = ValidationBudget()

    let validator = RRSIGValidator(crypto: crypto)
    for signed in sets {
        for zone in Set(signed.signatures.map(\.signerName)) {
            let result = validator.validate(signed, zone: zone, keys: keys(at: zone), now: now,
                                            signatureTTL: signed.rrset.ttl, budget: &budget)
            require(result.rrset.rrset.rdatas == signed.rrset.rdatas, "validation changed the RRset's data")
            // Again, with the keys now in OpenSSLCrypto's cache (and a fresh budget): the same ruling.
            var fresh = ValidationBudget()
            let again = validator.validate(signed, zone: zone, keys: keys(at: zone), now: now,
                                           signatureTTL: signed.rrset.ttl, budget: &fresh)
            require(again.verdict.isSecure == result.verdict.isSecure || isLimit(result.verdict),
                    "a second validation with cached keys ruled otherwise: \(result.verdict) then \(again.verdict)")
            if result.verdict.isSecure {
                require(result.signature?.signerName == zone, "secure by a signature of another zone")
                require(result.rrset.rrset.ttl <= signed.rrset.ttl, "validation raised the TTL")
                require(result.signingKey.map { keys(at: zone).contains($0) } ?? false, "secure by a key not given")
            }
        }
    }

    let matcher = DSMatcher(crypto: crypto)
    for signed in sets where signed.rrset.type == .ds {
        let ds = signed.rrset.rdatas.compactMap { rdata -> DS? in if case let .ds(value) = rdata { return value } else { return nil } }
        let given = keys(at: signed.rrset.name)
        let match = matcher.match(zone: signed.rrset.name, dsRecords: ds, keys: given)
        require(match.keys.allSatisfy { given.contains($0) }, "DS matched a key not given")
    }

    let denial = DenialValidator(crypto: crypto)
    let proofs = sets.filter { $0.rrset.type == .nsec || $0.rrset.type == .nsec3 }
    if let question = message.questions.first, !proofs.isEmpty {
        let zone = proofs.first?.signatures.first?.signerName ?? question.name
        var claims: [DenialClaim] = [.nameError(question.name), .noData(question.name, question.type),
                                     .unsignedDelegation(question.name)]
        for label in Set(signatures.map(\.labels)) {
            if let expansion = WildcardExpansion(owner: question.name, labels: label) { claims.append(.wildcardAnswer(expansion)) }
        }
        for claim in claims {
            _ = denial.prove(claim, zone: zone, records: proofs.map(\.rrset), budget: &budget)
        }
    }

    // A chain of trust from the topmost DNSKEY RRset the message holds (else the root, with no keys).
    guard let question = message.questions.first else { return 0 }
    let anchorZone = sets.filter { $0.rrset.type == .dnskey }.map(\.rrset.name).min { $0.labelCount < $1.labelCount } ?? .root
    let anchor = AnchorKeys(zone: anchorZone, dnskeys: keys(at: anchorZone))
    let kind: ResponseKind
    switch message.rcode {
    case .nxDomain: kind = .nameError
    case _ where message.answers.isEmpty && message.authority.contains { $0.type == .ns }: kind = .insecureReferral(child: question.name)
    case _ where message.answers.isEmpty: kind = .noData
    default: kind = .positive
    }
    let response = ChainResponse(kind: kind, answer: SignedRRSet.group(message.answers),
                                 authority: SignedRRSet.group(message.authority))
    var chain = ChainOfTrust(question: question, response: response, anchor: anchor, crypto: crypto, now: now)
    var step = chain.start()
    var lookups = 0
    while true {
        switch step {
        case let .needDNSKEY(zone):
            step = chain.provide(dnskey: sets.first { $0.rrset.type == .dnskey && $0.rrset.name == zone }, for: zone)
        case let .needDS(zone):
            if let ds = sets.first(where: { $0.rrset.type == .ds && $0.rrset.name == zone }) {
                step = chain.provide(ds: .signed(ds), for: zone)
            } else if !proofs.isEmpty && message.header.id & 1 == 0 {
                step = chain.provide(ds: .denied(proofs + sets.filter { $0.rrset.type == .soa }), for: zone)
            } else if message.header.id & 2 == 0 {
                step = chain.provide(ds: .notACut, for: zone)
            } else {
                step = chain.provide(ds: .failed("fuzz", unreachable: message.header.id & 4 == 0), for: zone)
            }
        case let .done(result):
            if result.verdict.isSecure {
                require(!anchor.dnskeys.isEmpty, "secure without any anchor key")
            }
            return 0
        }
        lookups += 1
        // 48 lookups by default; each needs one step, and one more ends the chain.
        require(lookups <= 2 * chain.maxLookups + 2, "the chain of trust does not end (\(lookups) steps)")
    }
}

@_cdecl("FuzzValidator_main")
public func fuzzValidatorMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzValidator)
}

/// A ruling that depends on the shared budget running out, which a second try with a fresh one need not repeat.
func isLimit(_ verdict: Verdict) -> Bool {
    if case let .bogus(reason) = verdict { return reason.kind == .limitExceeded }
    return false
}
