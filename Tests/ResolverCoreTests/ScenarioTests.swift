import Foundation
import Testing
@testable import ResolverCore

/// Every `Scenarios/*.scn` file replayed through the whole resolver core with scripted servers and a manual clock.
@Suite struct ScenarioTests {
    static let files: [String] = {
        guard let directory = Bundle.module.url(forResource: "Scenarios", withExtension: nil),
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".scn") }.sorted()
    }()

    @Test func scenarioFilesArePresent() {
        #expect(Self.files.count >= 15)
    }

    @Test(arguments: files)
    func scenarioReplaysAsScripted(_ file: String) throws {
        let url = try #require(Bundle.module.url(forResource: "Scenarios", withExtension: nil)).appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        let scenario = try Scenario.parse(text, name: file)
        var runner = try ScenarioRunner(scenario)
        do {
            try runner.run()
        } catch let error as ScenarioError {
            Issue.record("\(error)")
        }
    }
}
