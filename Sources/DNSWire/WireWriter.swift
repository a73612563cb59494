/// Builds wire-format octets, with optional RFC 1035 §4.1.4 name compression.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Where labels of compressible names already written start (all below 0x4000): the candidates for
    /// compression pointers. Matching walks the message itself, so no name is copied or hashed.
    private var labelOffsets: [UInt16] = []
    /// When false, names are always written in full (canonical form, RDATA of types that forbid compression).
    public var compressionEnabled: Bool

    public init(compression: Bool = true, capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        compressionEnabled = compression
    }

    public var count: Int { bytes.count }

    public mutating func write(_ value: UInt8) { bytes.append(value) }

    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func write(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func write<C: Collection>(bytes more: C) where C.Element == UInt8 {
        bytes.append(contentsOf: more)
    }

    /// A <character-string>: one length octet, then at most 255 octets.
    public mutating func writeCharacterString(_ string: [UInt8]) throws {
        guard string.count <= 255 else { throw WireError.unencodable(reason: "character-string of \(string.count) octets") }
        write(UInt8(string.count))
        write(bytes: string)
    }

    /// Overwrite a 16-bit value already written (RDLENGTH, section counts).
    public mutating func patch(_ value: UInt16, at position: Int) {
        guard position >= 0, position + 1 < bytes.count else { return }
        bytes[position] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[position + 1] = UInt8(truncatingIfNeeded: value)
    }

    /// Drop everything after `length` octets (used when a record does not fit a size limit).
    /// Compression entries pointing past the cut are forgotten too.
    public mutating func truncate(to length: Int) {
        guard length < bytes.count else { return }
        bytes.removeSubrange(length...)
        labelOffsets.removeAll { Int($0) >= length }
    }

    /// Write a name; with `compress`, reuse the longest suffix already in the message.
    ///
    /// Only offsets below 0x4000 can be pointer targets.
    public mutating func write(_ name: Name, compress: Bool = true) {
        let useCompression = compress && compressionEnabled
        let wire = name.wire
        var index = 0
        while index < wire.count, wire[index] != 0 {
            if useCompression, let target = earlierCopy(of: wire, from: index) {
                write(UInt16(0xC000 | target))
                return
            }
            if useCompression, bytes.count < 0x4000 {
                labelOffsets.append(UInt16(bytes.count))
            }
            let end = min(wire.count, index + 1 + Int(wire[index]))
            bytes.append(contentsOf: wire[index..<end])
            index = end
        }
        write(UInt8(0))
    }

    /// The offset of a name already in the message equal (ignoring ASCII case) to the suffix of `wire`
    /// starting at `start`, or nil.
    private func earlierCopy(of wire: [UInt8], from start: Int) -> Int? {
        for offset in labelOffsets where suffixMatches(wire, from: start, at: Int(offset)) {
            return Int(offset)
        }
        return nil
    }

    /// Compare the suffix of `wire` at `start` with the name written at `offset`, following pointers.
    private func suffixMatches(_ wire: [UInt8], from start: Int, at offset: Int) -> Bool {
        var i = start
        var p = offset
        var hops = 0
        while i < wire.count, p < bytes.count {
            if bytes[p] & 0xC0 == 0xC0 {
                guard p + 1 < bytes.count, hops < 127 else { return false }
                p = Int(bytes[p] & 0x3F) << 8 | Int(bytes[p + 1])
                hops += 1
                continue
            }
            let length = Int(wire[i])
            guard Int(bytes[p]) == length else { return false }
            if length == 0 { return true }
            guard i + length < wire.count, p + length < bytes.count else { return false }
            for k in 1...length where asciiLower(wire[i + k]) != asciiLower(bytes[p + k]) { return false }
            i += length + 1
            p += length + 1
        }
        return false
    }
}
