import DNSWire

/// The RFC 5011 state of one managed trust anchor as a text file an operator can read, diff and repair.
///
/// Line-oriented and versioned. The first line is the magic `; anchord trust-anchor state v1`; after it, one
/// directive per line, fields separated by spaces. Blank lines and lines starting with `;` are comments.
/// Every time is written twice, as epoch seconds and as UTC ISO-8601 (which must agree); `-` means "none".
///
///     ; anchord trust-anchor state v1
///     ; written 2026-12-04T21:00:00Z by anchord; edit only while it is stopped
///     zone .
///     last-success 1796418000 2026-12-04T21:00:00Z
///     last-attempt 1796418000 2026-12-04T21:00:00Z
///     next-refresh 1796461200 2026-12-05T09:00:00Z
///     failures 0
///     original-ttl 172800
///     signature-expiration 1797627600 2026-12-18T21:00:00Z
///     key 20326 RSASHA256 VALID since 1796418000 2026-12-04T21:00:00Z first-seen - last-seen 1796418000 2026-12-04T21:00:00Z seen 1
///     . IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3…
///     . IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
///     key 38696 RSASHA256 ADDPEND since 1796000000 2026-11-30T00:53:20Z first-seen 1796000000 2026-11-30T00:53:20Z last-seen 1796418000 2026-12-04T21:00:00Z seen 4
///     . IN DNSKEY 257 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/c…
///
/// Directives: `zone NAME` (first, once), `last-success`, `last-attempt`, `next-refresh` (required),
/// `signature-expiration` (times), `failures N`, `original-ttl N|-`, `last-error TEXT` (to the end of the line,
/// only when set), `problem no-trusted-key` or `problem no-trusted-signer signing TAG,… trusted TAG,…` (only
/// when set), and per key `key TAG ALGORITHM STATE since T first-seen T last-seen T seen N`, followed by the
/// key's records in zone-file text: its DNSKEY as last published (the revoked form once REVOKED) and/or the DS
/// it was configured as. STATE is one of ADDPEND, VALID, MISSING, REVOKED, REMOVED.
public enum AnchorStateFile {
    /// The first line of every state file of this version.
    public static let magic = "; anchord trust-anchor state v1"
    static let magicPrefix = "; anchord trust-anchor state v"

    /// The file name in the state directory for a zone: "root.state" for ".", "example.com.state" otherwise
    /// (lowercased; octets other than letters, digits, `-` and `_` written as `%XX`).
    public static func fileName(for zone: Name) -> String {
        guard !zone.isRoot else { return "root.state" }
        let labels = zone.lowercased().labels.map { label in
            label.map { octet -> String in
                let safe = (octet >= 0x61 && octet <= 0x7A) || (octet >= 0x30 && octet <= 0x39) || octet == 0x2D || octet == 0x5F
                return safe ? String(UnicodeScalar(octet)) : "%" + Hex.encode([octet])
            }.joined()
        }
        return labels.joined(separator: ".") + ".state"
    }

    /// The state file text for `anchor`; `now` only dates the comment on line 2.
    public static func encode(_ anchor: ManagedAnchor, now: Int64) -> String {
        var lines = [magic, "; written \(UTCTime.text(now)) by anchord; edit only while it is stopped",
                     "zone \(anchor.zone.text)"]
        lines.append("last-success \(time(anchor.lastSuccess))")
        lines.append("last-attempt \(time(anchor.lastAttempt))")
        lines.append("next-refresh \(time(anchor.nextRefresh))")
        lines.append("failures \(anchor.failures)")
        lines.append("original-ttl \(anchor.originalTTL.map(String.init) ?? "-")")
        lines.append("signature-expiration \(time(anchor.signatureExpiration))")
        if let lastError = anchor.lastError { lines.append("last-error \(ManagedAnchor.oneLine(lastError))") }
        switch anchor.problem {
        case nil: break
        case .noTrustedKey: lines.append("problem no-trusted-key")
        case let .noTrustedSigner(signing, trusted):
            lines.append("problem no-trusted-signer signing \(tags(signing)) trusted \(tags(trusted))")
        }
        for key in anchor.keys {
            lines.append("key \(key.keyTag) \(key.algorithm) \(key.state.label) since \(time(key.since)) "
                + "first-seen \(time(key.firstSeen)) last-seen \(time(key.lastSeen)) seen \(key.seenCount)")
            if let dnskey = key.dnskey { lines.append("\(anchor.zone.text) IN DNSKEY \(RData.dnskey(dnskey).text)") }
            if let ds = key.ds { lines.append("\(anchor.zone.text) IN DS \(RData.ds(ds).text)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func time(_ seconds: Int64?) -> String {
        guard let seconds else { return "-" }
        return "\(seconds) \(UTCTime.text(seconds))"
    }

    static func tags(_ tags: [UInt16]) -> String {
        tags.isEmpty ? "-" : tags.map(String.init).joined(separator: ",")
    }

    /// Throws PresentationError naming fileName and line (and what would be valid) on anything malformed;
    /// never traps on any bytes.
    public static func decode(_ text: String, fileName: String) throws -> ManagedAnchor {
        var reader = StateReader(fileName: fileName)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            reader.line = index + 1
            var line = Substring(raw)
            while let last = line.last, last.isWhitespace { line = line.dropLast() }
            while let first = line.first, first.isWhitespace { line = line.dropFirst() }
            if index == 0 {
                try reader.readMagic(line, empty: !text.contains { !$0.isWhitespace })
                continue
            }
            guard !line.isEmpty, line.first != ";" else { continue }
            try reader.read(line)
        }
        return try reader.finish()
    }
}
