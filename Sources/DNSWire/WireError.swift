/// Why a message, name or record could not be read or built.
///
/// Every decoding path throws one of these instead of trapping: the bytes come from the network or a file
/// and may be anything. The front end maps them to FORMERR (or drops the packet when no header can be read).
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended at `offset` while `needed` more octets were expected.
    case truncated(offset: Int, needed: Int)
    /// A label longer than 63 octets (RFC 1035 §2.3.4).
    case labelTooLong(offset: Int)
    /// A name longer than 255 octets in wire form (RFC 1035 §2.3.4).
    case nameTooLong
    /// An empty label inside a name (only the root label is empty).
    case emptyLabel
    /// A compression pointer that does not point strictly backwards, or points outside the message.
    case badPointer(offset: Int)
    /// More compression pointers in one name than a legitimate message can need.
    case pointerLoop(offset: Int)
    /// A label type other than a normal label or pointer (0x40 and 0x80 prefixes, RFC 6891 §5).
    case badLabelType(offset: Int)
    /// RDATA whose content does not fit its type.
    case badRData(type: RRType, reason: String)
    /// The RDLENGTH says one thing, the RDATA's own structure another.
    case rdataLengthMismatch(type: RRType, declared: Int, used: Int)
    /// Octets left over after the last section.
    case trailingData(count: Int)
    /// An OPT record where it may not be, more than one, or malformed (RFC 6891 §6.1.1).
    case badOPT(reason: String)
    /// A value that cannot be written (e.g. a TXT string over 255 octets, RDATA over 65535 octets).
    case unencodable(reason: String)

    public var description: String {
        switch self {
        case let .truncated(offset, needed): return "message truncated at offset \(offset) (\(needed) more octets needed)"
        case let .labelTooLong(offset): return "label longer than 63 octets at offset \(offset)"
        case .nameTooLong: return "name longer than 255 octets"
        case .emptyLabel: return "empty label inside a name"
        case let .badPointer(offset): return "compression pointer at offset \(offset) does not point backwards into the message"
        case let .pointerLoop(offset): return "too many compression pointers in the name at offset \(offset)"
        case let .badLabelType(offset): return "unsupported label type at offset \(offset)"
        case let .badRData(type, reason): return "bad \(type) RDATA: \(reason)"
        case let .rdataLengthMismatch(type, declared, used):
            return "\(type) RDATA length \(declared) does not match its content (\(used) octets)"
        case let .trailingData(count): return "\(count) octets of trailing data after the message"
        case let .badOPT(reason): return "bad OPT record: \(reason)"
        case let .unencodable(reason): return "cannot encode: \(reason)"
        }
    }
}
