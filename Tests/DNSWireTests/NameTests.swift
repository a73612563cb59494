import Testing
@testable import DNSWire

/// `Name`: RFC 4343 case rules, RFC 4034 §6.1 order, RFC 1035 limits, presentation escapes and the helpers
/// the iterator and validator lean on.
struct NameTests {
    // MARK: RFC 4343 case-insensitivity

    @Test func namesDifferingOnlyInASCIICaseAreEqualButNotIdentical() throws {
        let lower = try Name("www.example.com.")
        let mixed = try Name("WwW.ExAmPlE.CoM.")
        #expect(lower == mixed)
        #expect(!lower.isIdentical(to: mixed))
        #expect(mixed.text == "WwW.ExAmPlE.CoM.")
    }

    @Test func octetsOutsideASCIIAreComparedExactly() throws {
        // RFC 4343 §3: only A–Z fold; 0xC1 and 0xE1 (Latin-1 Á and á) are different octets.
        let upper = try Name(labels: [[0xC1], Array("example".utf8)])
        let lower = try Name(labels: [[0xE1], Array("example".utf8)])
        #expect(upper != lower)
        // "@" (0x40) and "`" (0x60) differ only in bit 0x20 too, and must not be folded.
        #expect(try Name("\\@.example.") != Name("`.example."))
        #expect(try Name("[.example.") != Name("{.example."))
    }

    @Test func equalNamesHashEquallyAndCollapseInASet() throws {
        let a = try Name("Mail.Example.ORG.")
        let b = try Name("mail.example.org.")
        #expect(a.hashValue == b.hashValue)
        let set: Set<Name> = [a, b, try Name("MAIL.EXAMPLE.ORG."), try Name("mail.example.net.")]
        #expect(set.count == 2)
        var table: [Name: Int] = [a: 1]
        table[b] = 2
        #expect(table.count == 1)
        #expect(table[try Name("mAiL.eXaMpLe.OrG.")] == 2)
    }

    @Test func namesWithDifferentLabelBoundariesAreNotEqual() throws {
        // Same letters, different label split: "ab.c." vs "a.bc.".
        #expect(try Name("ab.c.") != Name("a.bc."))
        // A label holding a literal dot is not two labels.
        #expect(try Name("a\\.b.example.") != Name("a.b.example."))
        #expect(try Name("a\\.b.example.").labelCount == 2)
    }

    // MARK: RFC 4034 §6.1 canonical order

    static let rfc4034OrderingExample = [
        "example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
        "\\001.z.example.", "*.z.example.", "\\200.z.example.",
    ]

    @Test func rfc4034Section6_1ExampleListSortsExactlyInItsOwnOrder() throws {
        let expected = try Self.rfc4034OrderingExample.map { try Name($0) }
        var generator = SplitMix64(seed: 0x6_1)
        for _ in 0..<50 {
            let sorted = expected.shuffled(using: &generator).sorted()
            #expect(sorted.map(\.wire) == expected.map(\.wire))
        }
        for (earlier, later) in zip(expected, expected.dropFirst()) {
            #expect(earlier < later, "\(earlier) should sort before \(later)")
            #expect(!(later < earlier))
            #expect(Name.canonicalCompare(earlier, later) == -1)
            #expect(Name.canonicalCompare(later, earlier) == 1)
        }
    }

    @Test func canonicalOrderIgnoresCaseAndTreatsEqualNamesAsEqual() throws {
        #expect(Name.canonicalCompare(try Name("Z.a.example."), try Name("z.A.EXAMPLE.")) == 0)
        #expect(!(try Name("Z.a.example.") < Name("z.a.example.")))
        // Uppercase "Z" (0x5A) would sort before "_" (0x5F) as raw octets; lowercased "z" (0x7A) sorts after.
        #expect(try Name("_.example.") < Name("Z.example."))
    }

    @Test func anAncestorSortsBeforeAllItsDescendants() throws {
        #expect(Name.root < (try Name("a.")))
        #expect(try Name("example.") < Name("\\000.example."))
        // Compared from the rightmost label: "b.z." after "z.a." even though "b" < "z".
        #expect(try Name("z.a.") < Name("b.z."))
    }

    // MARK: isSubdomain(of:)

    @Test func aNameIsASubdomainOfItselfAndOfEveryAncestor() throws {
        let www = try Name("www.example.com.")
        #expect(www.isSubdomain(of: www))
        #expect(www.isSubdomain(of: try Name("example.com.")))
        #expect(www.isSubdomain(of: try Name("EXAMPLE.com.")))
        #expect(www.isSubdomain(of: try Name("com.")))
        #expect(www.isSubdomain(of: .root))
        #expect(Name.root.isSubdomain(of: .root))
    }

    @Test func subdomainTestRespectsLabelBoundaries() throws {
        let example = try Name("example.")
        #expect(!(try Name("fooexample.")).isSubdomain(of: example))
        #expect(!(try Name("www.fooexample.")).isSubdomain(of: example))
        // Same trailing octets, but "a.example" is one label here.
        #expect(!(try Name("x.a\\.example.")).isSubdomain(of: example))
        // A label whose length octet equals the tail's first octet must not confuse the walk.
        #expect(!(try Name("\\007example.")).isSubdomain(of: example))
        #expect(!example.isSubdomain(of: try Name("www.example.")))
        #expect(!(try Name("example.com.")).isSubdomain(of: try Name("example.net.")))
        #expect(!Name.root.isSubdomain(of: example))
    }

    @Test func strictSubdomainExcludesTheNameItself() throws {
        let example = try Name("example.")
        #expect(!example.isStrictSubdomain(of: example))
        #expect(!example.isStrictSubdomain(of: try Name("EXAMPLE.")))
        #expect(try Name("a.example.").isStrictSubdomain(of: example))
        #expect(!(try Name("fooexample.")).isStrictSubdomain(of: example))
    }

    // MARK: RFC 1035 §2.3.4 limits

    static let label63 = String(repeating: "a", count: 63)

    @Test func aSixtyThreeOctetLabelIsAcceptedAndSixtyFourIsRejected() throws {
        let ok = try Name("\(Self.label63).example.")
        #expect(ok.firstLabel.count == 63)
        #expect(throws: PresentationError.self) { try Name("\(Self.label63)a.example.") }
        #expect(throws: WireError.labelTooLong(offset: 0)) {
            try Name(labels: [[UInt8](repeating: 0x61, count: 64)])
        }
        #expect(throws: WireError.labelTooLong(offset: 0)) { try Name.root.prepending([UInt8](repeating: 0x61, count: 64)) }
        #expect(throws: WireError.labelTooLong(offset: 0)) { try Name(wire: [64] + [UInt8](repeating: 0x61, count: 64) + [0]) }
        // Escapes count as one octet each: 63 × "\065" is a 63-octet label.
        let escaped = String(repeating: "\\065", count: 63)
        #expect(try Name("\(escaped).").firstLabel.count == 63)
        #expect(throws: PresentationError.self) { try Name("\(escaped)\\065.") }
    }

    @Test func aNameOf255OctetsIsAcceptedAnd256IsRejected() throws {
        let l63 = [UInt8](repeating: 0x61, count: 63)
        let longest = try Name(labels: [l63, l63, l63, [UInt8](repeating: 0x62, count: 61)])
        #expect(longest.wire.count == 255)
        #expect(throws: WireError.nameTooLong) {
            try Name(labels: [l63, l63, l63, [UInt8](repeating: 0x62, count: 62)])
        }
        #expect(throws: WireError.nameTooLong) { try Name(wire: Array(longest.wire.dropLast()) + [1, 0x63, 0]) }
        // Its parent has room for exactly one 63-octet label again; the longest name has room for nothing.
        let parent = try #require(longest.parent)
        #expect(try parent.prepending(l63).wire.count == 255)
        #expect(throws: WireError.nameTooLong) { try longest.prepending([0x61]) }
        #expect(throws: WireError.nameTooLong) { try longest.wildcard() }
        // The same limits through presentation text, with a relative name and an origin.
        let text = "\(Self.label63).\(Self.label63).\(Self.label63)."
        #expect(try Name(String(repeating: "b", count: 61), origin: try Name(text)).wire.count == 255)
        #expect(throws: PresentationError.self) { try Name(String(repeating: "b", count: 62), origin: try Name(text)) }
    }

    @Test func wireFormNamesAreValidated() throws {
        #expect(try Name(wire: [0]) == Name.root)
        #expect(try Name(wire: wireName("www.example")) == Name("www.example."))
        #expect(throws: WireError.truncated(offset: 4, needed: 1)) { try Name(wire: [3, 0x77, 0x77, 0x77]) }
        #expect(throws: WireError.trailingData(count: 1)) { try Name(wire: [0, 0]) }
        #expect(throws: WireError.badPointer(offset: 0)) { try Name(wire: [0xC0, 0x0C]) }
        #expect(throws: WireError.self) { try Name(wire: []) }
        #expect(throws: WireError.emptyLabel) { try Name(labels: [[]]) }
        #expect(throws: WireError.emptyLabel) { try Name(labels: [Array("a".utf8), [], Array("b".utf8)]) }
    }

    // MARK: Presentation escapes

    @Test func decimalAndCharacterEscapesProduceTheOctetsTheyName() throws {
        let parsed = try Name("\\065\\.b\\\\c\\032d.example.")
        #expect(Array(parsed.firstLabel) == Array("A.b\\c d".utf8))
        #expect(parsed.labelCount == 2)
        #expect(try Name("\\000\\255.").firstLabel.elementsEqual([0, 255]))
        #expect(try Name("\\(x\\).").firstLabel.elementsEqual(Array("(x)".utf8)))
    }

    @Test func textFormEscapesSpecialAndUnprintableOctetsAndParsesBack() throws {
        let tricky = try Name(labels: [[0x2E, 0x20, 0x22, 0x5C, 0x00, 0xFF, 0x3B, 0x40, 0x24, 0x28, 0x29, 0x41], Array("example".utf8)])
        #expect(tricky.text == "\\.\\032\\\"\\\\\\000\\255\\;\\@\\$\\(\\)A.example.")
        let reparsed = try Name(tricky.text)
        #expect(reparsed.isIdentical(to: tricky))
        #expect(Name.root.text == ".")
        #expect(try Name("Www.Example.").description == "Www.Example.")
    }

    @Test func malformedEscapesAndEmptyLabelsAreRejected() {
        for bad in ["a\\", "a\\25", "a\\2x5.", "\\256.", "a..b.", ".a.", ""] {
            #expect(throws: PresentationError.self, "\(bad)") { try Name(bad) }
        }
    }

    @Test func relativeNamesAreCompletedWithTheOrigin() throws {
        let origin = try Name("example.com.")
        #expect(try Name("www", origin: origin) == Name("www.example.com."))
        #expect(try Name("@", origin: origin) == origin)
        #expect(try Name("www.", origin: origin) == Name("www."))
        #expect(try Name(".", origin: origin) == Name.root)
        #expect(try Name("a.b") == Name("a.b."))
    }

    // MARK: Helpers

    @Test func parentAndSuffixWalkUpTowardsTheRoot() throws {
        let name = try Name("a.b.c.example.")
        #expect(name.labelCount == 4)
        #expect(name.parent == (try Name("b.c.example.")))
        #expect(Name.root.parent == nil)
        #expect(name.suffix(labelCount: 2) == (try Name("c.example.")))
        #expect(name.suffix(labelCount: 0) == Name.root)
        #expect(name.suffix(labelCount: 4).isIdentical(to: name))
        #expect(name.suffix(labelCount: 9).isIdentical(to: name))
        #expect(name.suffix(labelCount: -1) == Name.root)
        #expect(name.labels.map { Array($0) } == ["a", "b", "c", "example"].map { Array($0.utf8) })
        #expect(Array(name.firstLabelWire) == [1, 0x61])
        #expect(Name.root.firstLabel.isEmpty)
        #expect(Name.root.labelCount == 0)
    }

    @Test func commonAncestorIsTheLongestSharedSuffixByLabels() throws {
        func ancestor(_ a: String, _ b: String) throws -> Name { try Name(a).commonAncestor(with: Name(b)) }
        #expect(try ancestor("www.example.com.", "mail.example.com.") == Name("example.com."))
        #expect(try ancestor("a.b.example.com.", "example.com.") == Name("example.com."))
        #expect(try ancestor("example.com.", "a.b.EXAMPLE.com.") == Name("example.com."))
        #expect(try ancestor("example.com.", "example.net.") == Name.root)
        // "fooexample.com." and "example.com." share "com.", not "example.com.".
        #expect(try ancestor("fooexample.com.", "x.example.com.") == Name("com."))
        #expect(try ancestor("a.", "a.") == Name("a."))
    }

    @Test func wildcardHelpersFollowRFC4592AndRRSIGLabelsFollowRFC4034() throws {
        let wildcard = try Name("*.example.com.")
        #expect(wildcard.isWildcard)
        #expect(!(try Name("a.*.example.com.")).isWildcard)
        #expect(!(try Name("\\*x.example.com.")).isWildcard)
        #expect(!Name.root.isWildcard)
        #expect(try Name("example.com.").wildcard().isIdentical(to: wildcard))
        #expect(try Name.root.wildcard().text == "*.")
        // RFC 4034 §3.1.3: the wildcard label and the root are not counted.
        #expect(wildcard.rrsigLabelCount == 2)
        #expect(try Name("www.example.com.").rrsigLabelCount == 3)
        #expect(Name.root.rrsigLabelCount == 0)
        #expect(try Name("*.").rrsigLabelCount == 0)
    }

    @Test func lowercasedFoldsOnlyLetters() throws {
        let mixed = try Name(labels: [Array("AbC-Z@[".utf8) + [0xC1], Array("EXAMPLE".utf8)])
        let lowered = mixed.lowercased()
        #expect(lowered.wire == [8] + Array("abc-z@[".utf8) + [0xC1, 7] + Array("example".utf8) + [0])
    }

    @Test func prependingAddsOneLabelInFront() throws {
        let name = try Name("example.").prepending(Array("WWW".utf8))
        #expect(name.isIdentical(to: try Name("WWW.example.")))
        #expect(throws: WireError.emptyLabel) { try Name.root.prepending([]) }
    }
}
