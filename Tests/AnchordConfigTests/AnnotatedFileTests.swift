import Foundation
import Testing
@testable import AnchordConfig

/// `conf/anchord.yaml`, found from this source file's place in the repository.
private let annotatedFilePath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("conf/anchord.yaml").path

@Suite struct AnnotatedFile {
    @Test func theShippedFileLoadsToTheDefaults() throws {
        let loaded = try ConfigurationLoader.load(path: annotatedFilePath, environment: [:])
        #expect(loaded.configuration == Configuration())
        #expect(loaded.origins.isEmpty, "every key in the shipped file is a comment")
    }

    @Test func theShippedFileDocumentsEveryKeyWithItsTrueDefault() throws {
        let lines = Set(try String(contentsOfFile: annotatedFilePath, encoding: .utf8).split(separator: "\n").map(String.init))
        for line in Configuration().yamlLines {
            #expect(lines.contains("# " + line), "conf/anchord.yaml should have the line '# \(line)'")
        }
    }
}
