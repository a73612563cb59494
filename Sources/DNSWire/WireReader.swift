/// A cursor over untrusted octets that can only move forward and only within bounds.
///
/// Every read checks the remaining length and throws `WireError.truncated` instead of trapping.
/// Name decoding follows compression pointers, but only strictly backwards and at most
/// `maxPointerHops` times, so a crafted message cannot loop or read outside itself.
public struct WireReader: Sendable {
    /// The whole message; compression pointers are offsets into it.
    public let bytes: [UInt8]
    /// The next octet to read.
    public private(set) var offset: Int
    /// Reads stop here (the end of the message, or of the current RDATA).
    public private(set) var limit: Int

    /// A name of 255 octets has at most 127 labels; more hops than that can only be a loop.
    static let maxPointerHops = 127

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = min(max(0, offset), bytes.count)
        self.limit = bytes.count
    }

    public var remaining: Int { limit - offset }
    public var isAtEnd: Bool { offset >= limit }

    @inline(__always)
    mutating func need(_ count: Int) throws {
        guard count >= 0, limit - offset >= count else {
            throw WireError.truncated(offset: offset, needed: count - (limit - offset))
        }
    }

    public mutating func readUInt8() throws -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func readUInt32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    public mutating func readBytes(_ count: Int) throws -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// The rest of the readable region (up to `limit`).
    public mutating func readRest() -> [UInt8] {
        defer { offset = limit }
        return Array(bytes[offset..<limit])
    }

    /// A length-prefixed string (RFC 1035 <character-string>).
    public mutating func readCharacterString() throws -> [UInt8] {
        let length = Int(try readUInt8())
        return try readBytes(length)
    }

    /// Run `body` with reads confined to the next `length` octets, then require that it used them all.
    ///
    /// Used for RDATA: a record's content may not spill over its RDLENGTH, and must use all of it. Content that
    /// needs more than RDLENGTH is a length mismatch, not a truncated message: the octets may well be there.
    public mutating func withLimit<T>(_ length: Int, type: RRType, _ body: (inout WireReader) throws -> T) throws -> T {
        try need(length)
        let savedLimit = limit
        let start = offset
        limit = offset + length
        defer { limit = savedLimit }
        let value: T
        do {
            value = try body(&self)
        } catch let WireError.truncated(at, needed) where at >= start {
            // Reads inside the region stop at its end, so `needed` counts octets beyond the RDLENGTH.
            throw WireError.rdataLengthMismatch(type: type, declared: length, used: length + needed)
        }
        guard offset == start + length else {
            throw WireError.rdataLengthMismatch(type: type, declared: length, used: offset - start)
        }
        return value
    }

    /// Read a possibly compressed domain name (RFC 1035 §4.1.4).
    ///
    /// Pointers may target any earlier offset of the whole message (not only the current RDATA),
    /// and must point strictly before the position where the pointer itself was found.
    public mutating func readName() throws -> Name {
        var wire: [UInt8] = []
        wire.reserveCapacity(32)
        var position = offset
        var endOfName: Int? = nil  // where the cursor continues once the name is read
        var hops = 0
        // The lowest offset already visited: every pointer must go strictly below it.
        var lowestVisited = position
        while true {
            // Within the original region the RDATA limit applies; after a jump, the whole message does.
            let bound = endOfName == nil ? limit : bytes.count
            guard position < bound else { throw WireError.truncated(offset: position, needed: 1) }
            let lengthOctet = bytes[position]
            switch lengthOctet & 0xC0 {
            case 0x00:
                let length = Int(lengthOctet)
                if length == 0 {
                    wire.append(0)
                    position += 1
                    if endOfName == nil { endOfName = position }
                    guard wire.count <= Name.maxWireLength else { throw WireError.nameTooLong }
                    offset = endOfName ?? position
                    return Name(uncheckedWire: wire)
                }
                guard position + 1 + length <= bound else {
                    throw WireError.truncated(offset: position, needed: position + 1 + length - bound)
                }
                wire.append(contentsOf: bytes[position..<position + 1 + length])
                guard wire.count < Name.maxWireLength else { throw WireError.nameTooLong }
                position += 1 + length
            case 0xC0:
                guard position + 2 <= bound else { throw WireError.truncated(offset: position, needed: position + 2 - bound) }
                let target = Int(lengthOctet & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < lowestVisited else { throw WireError.badPointer(offset: position) }
                hops += 1
                guard hops <= Self.maxPointerHops else { throw WireError.pointerLoop(offset: position) }
                if endOfName == nil { endOfName = position + 2 }
                position = target
                lowestVisited = target
            default:
                throw WireError.badLabelType(offset: position)
            }
        }
    }
}
