extension Record {
    /// The record as one zone-file line, fields separated by tabs as `dig` prints them:
    /// `example.com.	3600	IN	A	192.0.2.1`.
    public var text: String {
        "\(name.text)\t\(ttl)\t\(rrClass)\t\(type)\t\(rdata.text)"
    }

    /// One record from one zone-file entry (which parentheses may spread over several lines).
    ///
    /// Relative names are completed with `origin`; without a TTL in the text, `defaultTTL` is used.
    public init(text: String, origin: Name = .root, defaultTTL: UInt32? = nil) throws {
        let records = try ZoneFile.parse(text, origin: origin, defaultTTL: defaultTTL)
        guard records.count == 1, let record = records.first else {
            throw PresentationError("expected one record, found \(records.count)")
        }
        self = record
    }
}

extension Record: CustomStringConvertible {
    public var description: String { text }
}
