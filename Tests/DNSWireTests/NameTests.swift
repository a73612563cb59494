import Testing
@testable import DNSWire

@Test func placeholder() throws {
    #expect(try Name("a.example.") == Name("A.EXAMPLE."))
}
