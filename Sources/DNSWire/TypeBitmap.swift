/// The set of types present at an NSEC or NSEC3 owner, in the window-block encoding of RFC 4034 §4.1.2.
public struct TypeBitmap: Hashable, Sendable {
    /// Sorted, without duplicates.
    public private(set) var types: [RRType]

    public init(_ types: some Sequence<RRType>) {
        self.types = Array(Set(types)).sorted()
    }

    public func contains(_ type: RRType) -> Bool {
        // Sorted: binary search.
        var low = 0
        var high = types.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if types[middle] == type { return true }
            if types[middle] < type { low = middle + 1 } else { high = middle - 1 }
        }
        return false
    }

    /// Decode window blocks until the end of the reader's region.
    /// Windows must ascend; each bitmap is 1–32 octets (RFC 4034 §4.1.2).
    static func decode(from reader: inout WireReader, owner type: RRType) throws -> TypeBitmap {
        var result: [RRType] = []
        var lastWindow = -1
        while !reader.isAtEnd {
            let window = Int(try reader.readUInt8())
            let length = Int(try reader.readUInt8())
            guard window > lastWindow else { throw WireError.badRData(type: type, reason: "type bitmap windows out of order") }
            guard (1...32).contains(length) else { throw WireError.badRData(type: type, reason: "type bitmap window length \(length)") }
            lastWindow = window
            let bits = try reader.readBytes(length)
            // RFC 4034 §4.1.2: trailing zero octets must be left out, so the bitmap has one encoding and
            // the canonical form a validator rebuilds matches what was signed.
            guard bits.last != 0 else { throw WireError.badRData(type: type, reason: "type bitmap window with trailing zero octets") }
            for (index, octet) in bits.enumerated() where octet != 0 {
                for bit in 0..<8 where octet & (0x80 >> bit) != 0 {
                    result.append(RRType(UInt16(window) << 8 | UInt16(index * 8 + bit)))
                }
            }
        }
        return TypeBitmap(uncheckedSorted: result)
    }

    private init(uncheckedSorted: [RRType]) { types = uncheckedSorted }

    func encode(into writer: inout WireWriter) {
        var index = 0
        while index < types.count {
            let window = types[index].rawValue >> 8
            var bits = [UInt8](repeating: 0, count: 32)
            var used = 0
            while index < types.count, types[index].rawValue >> 8 == window {
                let low = Int(types[index].rawValue & 0xFF)
                bits[low / 8] |= 0x80 >> UInt8(low % 8)
                used = low / 8 + 1
                index += 1
            }
            writer.write(UInt8(window))
            writer.write(UInt8(used))
            writer.write(bytes: bits[0..<used])
        }
    }
}
