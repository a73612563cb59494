import Foundation
import Testing
@testable import DNSWire

/// A reply captured from NSD by scripts/fixtures/capture.sh: `<name>.hex` holds the message, `<name>.txt` the query.
struct CapturedFixture: Sendable {
    let name: String
    let wire: [UInt8]

    static func directory() throws -> URL {
        try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
    }

    static func all() throws -> [CapturedFixture] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory().path)
        return try files.filter { $0.hasSuffix(".hex") }.sorted().map { try load(String($0.dropLast(4))) }
    }

    static func load(_ name: String) throws -> CapturedFixture {
        let text = try String(contentsOf: directory().appendingPathComponent("\(name).hex"), encoding: .utf8)
        return CapturedFixture(name: name, wire: hex(text))
    }
}
