import DNSWire

/// Reads a trust-anchor file: DS and DNSKEY records in ordinary zone-file text (RFC 1035 §5), the form
/// Unbound's `trust-anchor-file:` and `dnssec-dsfromkey` output use. Parentheses, comments, `$ORIGIN`, `$TTL`
/// and algorithm mnemonics are read by `ZoneFile`; a TTL may be left out. BIND `trust-anchors { }` blocks are
/// not read.
///
/// Sans-I/O: the caller reads the file and passes its text and name, which every error carries.
public enum TrustAnchorFile {
    /// The anchors in `text`, one per zone, keys in file order.
    ///
    /// Fails, naming `fileName` and the line, on a record that is not DS or DNSKEY or not class IN, a DS whose
    /// digest length does not fit its digest type, a DNSKEY that is not a usable zone key (protocol 3, the
    /// Zone Key flag set, not revoked), and a file with no anchors at all.
    public static func parse(text: String, fileName: String) throws -> [TrustAnchor] {
        let records: [(record: Record, line: Int)]
        do {
            records = try ZoneFile.parseWithLines(text, origin: .root, defaultTTL: 0, fileName: fileName)
        } catch var error as PresentationError {
            if looksLikeBINDConfiguration(text) {
                error.message += "; a trust-anchor file holds DS or DNSKEY records in zone-file form "
                    + "(`. IN DS 20326 8 2 E06D…`), not a BIND trust-anchors { } block"
            }
            throw error
        }

        var anchors: [TrustAnchor] = []
        for (record, line) in records {
            let key: AnchorKey
            do {
                key = try anchorKey(from: record)
            } catch var error as PresentationError {
                error.fileName = fileName
                error.line = line
                throw error
            }
            if let position = anchors.firstIndex(where: { $0.zone == record.name }) {
                anchors[position].add(key)
            } else {
                anchors.append(TrustAnchor(zone: record.name, keys: [key]))
            }
        }
        guard !anchors.isEmpty else {
            throw PresentationError("no DS or DNSKEY records: a trust-anchor file needs at least one", fileName: fileName)
        }
        return anchors
    }

    /// The key one record gives, or why it cannot be an anchor.
    static func anchorKey(from record: Record) throws -> AnchorKey {
        let owner = record.name.text
        guard record.rrClass == .in else {
            throw PresentationError("\(owner) \(record.rrClass) \(record.type): trust anchors are class IN")
        }
        switch record.rdata {
        case let .ds(ds):
            // RFC 4034 §5.1.4 with the digest sizes of RFC 4509 / RFC 6605: a wrong length can never match.
            if let expected = ds.digestType.digestLength, ds.digest.count != expected {
                throw PresentationError("DS \(ds.keyTag) of \(owner) has a \(ds.digest.count)-octet digest, "
                    + "but digest type \(ds.digestType) needs \(expected) octets (\(expected * 2) hex digits)")
            }
            return AnchorKey(ds: ds)
        case let .dnskey(key):
            let what = "DNSKEY of \(owner) with key tag \(key.keyTag)"
            // RFC 4034 §2.1.2: protocol 3, else the key must not be used.
            guard key.protocol == 3 else {
                throw PresentationError("\(what) has protocol \(key.protocol); DNSSEC keys have protocol 3")
            }
            // RFC 4034 §2.1.1: only a zone key (flags 256 or 257) verifies signatures.
            guard key.isZoneKey else {
                throw PresentationError("\(what) has flags \(key.flags) without the Zone Key bit (use 256 or 257)")
            }
            // RFC 5011 §2.1: a revoked key must not be trusted.
            guard !key.isRevoked else {
                throw PresentationError("\(what) has the REVOKE bit set (flags \(key.flags)); a revoked key cannot be an anchor")
            }
            return AnchorKey(dnskey: key)
        default:
            throw PresentationError("\(owner) \(record.type) is not a trust anchor: only DS and DNSKEY records belong here")
        }
    }

    /// True for text that looks like BIND's named.conf syntax rather than zone-file records.
    static func looksLikeBINDConfiguration(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["trust-anchors", "managed-keys", "trusted-keys"].contains { lowered.contains($0) } && lowered.contains("{")
    }
}
