/// Builds wire-format octets, with optional RFC 1035 §4.1.4 name compression.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8]
    /// Offsets of names already written (keyed case-insensitively), for compression pointers.
    private var compressionTable: [Name: Int] = [:]
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
        compressionTable = compressionTable.filter { $0.value < length }
    }

    /// Write a name; with `compress`, reuse the longest suffix already in the message.
    ///
    /// Only offsets below 0x4000 can be pointer targets.
    public mutating func write(_ name: Name, compress: Bool = true) {
        let useCompression = compress && compressionEnabled
        var suffix = name
        while !suffix.isRoot {
            if useCompression, let target = compressionTable[suffix] {
                write(UInt16(0xC000 | target))
                return
            }
            if useCompression, bytes.count < 0x4000 {
                compressionTable[suffix] = bytes.count
            }
            let label = suffix.firstLabelWire
            write(bytes: label)
            suffix = suffix.parent ?? .root
        }
        write(UInt8(0))
    }
}
