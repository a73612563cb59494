import DNSWire
import FuzzSupport

/// Any text as a zone file: parsing throws or yields records. Each record prints as a zone-file line that reads
/// back to the same record, and the records go through the wire (a message holding them encodes and decodes to
/// the same records). Names print as text that reads back to the same name.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZoneFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = fuzzText(start, count)
    guard let records = try? ZoneFile.parse(text, origin: .root, defaultTTL: 3600) else { return 0 }
    for record in records {
        let line = record.text
        let reread: Record
        do {
            reread = try Record(text: line)
        } catch {
            require(false, "the text of a record does not read back: \(error)\n\(line)")
            return 0
        }
        require(reread == record, "text round trip changed the record\nbefore: \(line)\nafter:  \(reread.text)")
        require((try? Name(record.name.text)) == record.name, "owner name text does not read back: \(record.name.text)")
    }

    let message = Message(header: Header(id: 1, isResponse: true), answers: records)
    let wire: [UInt8]
    do {
        wire = try message.encode()
    } catch {
        // A message holds at most 65,535 octets; anything smaller that parsed must encode.
        let size = records.reduce(12) { $0 + $1.name.wire.count + 10 + ((try? $1.rdata.wire().count) ?? 0) }
        require(size > 65535, "records read from text do not encode: \(error)")
        return 0
    }
    do {
        let decoded = try Message(wire: wire)
        for (before, after) in zip(records, decoded.answers) where before != after {
            require(false, "wire round trip changed a record\nbefore: \(before.text)\nafter:  \(after.text)")
        }
        require(decoded.answers.count == records.count, "wire round trip changed the number of records")
    } catch {
        require(false, "the encoding of records read from text does not decode: \(error)")
    }
    return 0
}

@_cdecl("FuzzZoneFile_main")
public func fuzzZoneFileMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzZoneFile)
}
