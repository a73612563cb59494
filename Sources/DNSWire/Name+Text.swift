extension Name {
    /// Parse a name in presentation format (RFC 1035 §5.1): `\c` and `\DDD` escapes, a trailing dot
    /// for absolute names. A name without the trailing dot is relative to `origin`; `@` is the origin itself.
    public init(_ text: String, origin: Name = .root) throws {
        let octets = Array(text.utf8)
        if octets == [UInt8(ascii: "@")] {
            self = origin
            return
        }
        if octets == [UInt8(ascii: ".")] {
            self = .root
            return
        }
        guard !octets.isEmpty else { throw PresentationError("empty name") }
        var labels: [[UInt8]] = []
        var current: [UInt8] = []
        var absolute = false
        var i = 0
        while i < octets.count {
            let c = octets[i]
            if c == UInt8(ascii: ".") {
                guard !current.isEmpty else { throw PresentationError("empty label in name \"\(text)\"") }
                labels.append(current)
                current = []
                if i == octets.count - 1 { absolute = true }
                i += 1
                continue
            }
            if c == UInt8(ascii: "\\") {
                let (value, used) = try Name.unescape(octets, at: i, context: text)
                current.append(value)
                i += used
            } else {
                current.append(c)
                i += 1
            }
            guard current.count <= Name.maxLabelLength else {
                throw PresentationError("label longer than 63 octets in name \"\(text)\"")
            }
        }
        if !current.isEmpty { labels.append(current) }
        var wire: [UInt8] = []
        for label in labels {
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        if absolute {
            wire.append(0)
        } else {
            wire.append(contentsOf: origin.wire)
        }
        guard wire.count <= Name.maxWireLength else { throw PresentationError("name longer than 255 octets: \"\(text)\"") }
        self.init(uncheckedWire: wire)
    }

    /// Decode one escape starting at the backslash at `index`: returns the octet and how many characters it used.
    static func unescape(_ octets: [UInt8], at index: Int, context: String) throws -> (UInt8, Int) {
        guard index + 1 < octets.count else { throw PresentationError("dangling backslash in \"\(context)\"") }
        let next = octets[index + 1]
        if isDigit(next) {
            guard index + 3 < octets.count, isDigit(octets[index + 2]), isDigit(octets[index + 3]) else {
                throw PresentationError("\\DDD escape needs three digits in \"\(context)\"")
            }
            let value = Int(next - 48) * 100 + Int(octets[index + 2] - 48) * 10 + Int(octets[index + 3] - 48)
            guard value <= 255 else { throw PresentationError("\\DDD escape above 255 in \"\(context)\"") }
            return (UInt8(value), 4)
        }
        return (next, 2)
    }

    /// Presentation form with a trailing dot; octets that are special or not printable are escaped.
    public var text: String {
        if isRoot { return "." }
        var out: [UInt8] = []
        out.reserveCapacity(wire.count + 4)
        for label in labels {
            for octet in label { Name.appendEscaped(octet, to: &out, quoted: false) }
            out.append(UInt8(ascii: "."))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escape one octet for presentation: `\c` for the zone-file specials, `\DDD` outside printable ASCII.
    static func appendEscaped(_ octet: UInt8, to out: inout [UInt8], quoted: Bool) {
        switch octet {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(octet)
        case UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ";"),
             UInt8(ascii: "@"), UInt8(ascii: "$"):
            if !quoted { out.append(UInt8(ascii: "\\")) }
            out.append(octet)
        case UInt8(ascii: " ") where quoted:
            out.append(octet)
        case 0x21...0x7E:
            out.append(octet)
        default:
            out.append(UInt8(ascii: "\\"))
            out.append(48 + octet / 100)
            out.append(48 + (octet / 10) % 10)
            out.append(48 + octet % 10)
        }
    }
}

@inline(__always)
func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

extension Name: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String { text }
    public var debugDescription: String { "Name(\(text))" }
}
