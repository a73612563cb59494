import DNSWire
import Testing
@testable import AnchordConfig

private func address(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

@Suite struct CIDRParsing {
    @Test(arguments: [("10.0.0.0/8", "10.0.0.0/8"), ("192.0.2.1", "192.0.2.1/32"), ("0.0.0.0/0", "0.0.0.0/0"),
                      ("2001:DB8::/32", "2001:db8::/32"), ("::1", "::1/128"), ("fe80::/10", "fe80::/10"),
                      ("100.64.0.0/10", "100.64.0.0/10"), ("::/0", "::/0")])
    func aBlockIsReadAndWrittenInCanonicalForm(text: String, canonical: String) throws {
        #expect(try CIDR(text).description == canonical)
    }

    @Test(arguments: [("10.0.0.1/8", "did you mean 10.0.0.0/8?"), ("fe80::1/10", "did you mean fe80::/10?"),
                      ("10.0.0.0/33", "bad prefix length; expected 0–32"), ("::/129", "bad prefix length; expected 0–128"),
                      ("10.0.0.0/", "bad prefix length"), ("10.0.0.0/+8", "bad prefix length"),
                      ("10.0.0/8", "not an address block"), ("10.0.0.0/8/8", "not an address block"),
                      ("example.com/24", "not an address block"), ("", "not an address block")])
    func aBadBlockSaysWhatIsWrong(text: String, message: String) {
        #expect {
            try CIDR(text)
        } throws: { error in
            (error as? InvalidValue)?.description.contains(message) == true
        }
    }

    @Test func aBlockContainsOnlyAddressesOfItsFamilyAndRange() throws {
        let lan = try CIDR("172.16.0.0/12")
        #expect(lan.contains(try address("172.31.255.255")))
        #expect(lan.contains(try address("172.16.0.0")))
        #expect(!lan.contains(try address("172.32.0.0")))
        #expect(!lan.contains(try address("::ffff:172.16.0.1")))
        let ula = try CIDR("fc00::/7")
        #expect(ula.contains(try address("fd12:3456::1")))
        #expect(!ula.contains(try address("fe00::1")))
        #expect(try CIDR("0.0.0.0/0").contains(try address("203.0.113.9")))
    }
}

@Suite struct AccessControl {
    @Test func theDefaultAllowsLoopbackAndTheLANAndRefusesTheRest() throws {
        let acl = AccessControlList(configured: [])
        for allowed in ["127.0.0.1", "127.9.9.9", "10.1.2.3", "172.20.0.1", "192.168.1.1", "100.64.0.1",
                        "::1", "fd00::53", "fe80::1", "::ffff:192.168.0.7"] {
            #expect(acl.action(for: try address(allowed)) == .allow, "\(allowed)")
        }
        for refused in ["8.8.8.8", "100.128.0.1", "172.32.0.1", "2001:db8::1", "::2", "::ffff:8.8.8.8"] {
            #expect(acl.action(for: try address(refused)) == .refuse, "\(refused)")
        }
    }

    @Test func theMostSpecificBlockDecides() throws {
        let acl = AccessControlList(configured: [
            try AccessRule("192.168.0.0/16 refuse"),
            try AccessRule("192.168.10.0/24 allow"),
            try AccessRule("203.0.113.0/24 allow"),
            try AccessRule("203.0.113.66 deny"),
        ])
        #expect(acl.action(for: try address("192.168.1.1")) == .refuse)
        #expect(acl.action(for: try address("192.168.10.1")) == .allow)
        #expect(acl.action(for: try address("203.0.113.5")) == .allow)
        #expect(acl.action(for: try address("203.0.113.66")) == .deny)
    }

    @Test func aConfiguredRuleForADefaultBlockWins() throws {
        let acl = AccessControlList(configured: [try AccessRule("10.0.0.0/8 refuse")])
        #expect(acl.action(for: try address("10.0.0.1")) == .refuse)
    }

    @Test func actionsAreCaseInsensitiveAndSeparatedByAnyBlanks() throws {
        #expect(try AccessRule("10.0.0.0/8\t  ALLOW").description == "10.0.0.0/8 allow")
    }
}

@Suite struct Interfaces {
    @Test(arguments: [("127.0.0.1", "127.0.0.1"), ("127.0.0.1@5353", "127.0.0.1@5353"), ("::1@53", "::1@53"),
                      ("2001:db8::53", "2001:db8::53")])
    func anInterfaceIsAnAddressWithAnOptionalPort(text: String, canonical: String) throws {
        #expect(try #require(Interface(text)).description == canonical)
    }

    @Test(arguments: ["127.0.0.1@", "127.0.0.1@65536", "127.0.0.1@x", "@53", "0.0.0.0.0", "*"])
    func aBadInterfaceIsRejected(text: String) {
        #expect(Interface(text) == nil)
    }
}
