import Testing
import DNSCrypto
import DNSSEC
import DNSWire

/// The examples the DNSSEC RFCs print, as zone-file text: keys, DS records and signatures from the documents
/// themselves, checked end to end (key tag, DS digest, RRSIG over the canonical signed data).
struct RFCExampleTests {
    /// RFC 4034 §5.4: the DS of dskey.example.com's key, with SHA-1; RFC 4509 §2.3: the same key with SHA-256.
    static let rfc4034DS = """
        dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9Xz
                                                  fwJr1AYtsmx3TGkJaNXVbfi/
                                                  2pHm822aJ5iI9BMzNXxeYCmZ
                                                  DRD99WYwYqUSdjMmmAphXdvx
                                                  egXd/M5+X7OrzKBaMbCVdFLU
                                                  Uh6DhweJBjEVv5f2wwjM9Xzc
                                                  nOf+EPbtG9DMBmADjFDc2w/r
                                                  ljwvFw==
                                                  ) ;  key id = 60485
        dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A
                                                   98631FAD1A292118 )
        dskey.example.com. 86400 IN DS 60485 5 2 ( D4B7D520E7BB5F0F67674A0CCEB1E3E0
                                                   614B93C4F9E99B8383F6A1E4469DA50A )
        """

    /// RFC 6605 §6.1 (P-256) and §6.2 (P-384): a KSK, its DS (SHA-256 and SHA-384), and an A RRset it signs.
    static let rfc6605 = """
        example.net. 3600 IN DNSKEY 257 3 13 (
                GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
                krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )
        example.net. 3600 IN DS 55648 13 2 (
                b4c8c1fe2e7477127b27115656ad6256f424625bf5c1
                e2770ce6d6e37df61d17 )
        www.example.net. 3600 IN A 192.0.2.1
        www.example.net. 3600 IN RRSIG A 13 3 3600 (
                20100909100439 20100812100439 55648 example.net.
                qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXA
                yGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw== )

        example.net. 3600 IN DNSKEY 257 3 14 (
                xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1
                w/egsXvSADtNJhyem5RCOpgQ6K8X1DRSEkrbYQ+OB+v8
                /uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40 )
        example.net. 3600 IN DS 10771 14 4 (
                72d7b62976ce06438e9c0bf319013cf801f09ecc84b8
                d7e9495f27e305c6a9b0563a9b5f4d288405c3008a94
                6df983d6 )
        www.example.net. 3600 IN RRSIG A 14 3 3600 (
                20100909102025 20100812102025 10771 example.net.
                /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP
                95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuz
                WTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm )
        """

    /// RFC 8080 §6.1 and §6.2, as corrected by verified erratum 4935: the published RRSIGs lack their
    /// algorithm field and were made over a Labels field of 3 for the two-label example.com., so they do not
    /// verify; the erratum's records do. (Its stray second "(" after the signer name is left out here.)
    static let rfc8080 = """
        example.com. 3600 IN DNSKEY 257 3 15 (
                     l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )
        example.com. 3600 IN DS 3613 15 2 (
                     3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79
                     a304b )
        example.com. 3600 IN MX 10 mail.example.com.
        example.com. 3600 IN RRSIG MX 15 2 3600 (
                     1440021600 1438207200 3613 example.com.
                     oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3f
                     x8A4M3e23mRZ9VrbpMngwcrqNAg== )

        example.com. 3600 IN DNSKEY 257 3 15 (
                     zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs= )
        example.com. 3600 IN DS 35217 15 2 (
                     401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c
                     6614c )
        example.com. 3600 IN RRSIG MX 15 2 3600 (
                     1440021600 1438207200 35217 example.com.
                     zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQ
                     oSm5poJ7gD7AQR0O7KuI5k2pcBg== )

        example.com. 3600 IN DNSKEY 257 3 16 (
                     3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx
                     1FYYUcJKm1MDpJtIA )
        example.com. 3600 IN DS 9713 16 2 (
                     6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2
                     b19c7 )
        example.com. 3600 IN RRSIG MX 16 2 3600 (
                     1440021600 1438207200 9713 example.com.
                     3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0am
                     xWndkmnBZ6SKiwZSAxGILn/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/
                     JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA )

        example.com. 3600 IN DNSKEY 257 3 16 (
                     kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcN
                     Lp5HlHAMy12VoISsA )
        example.com. 3600 IN DS 38353 16 2 (
                     645ff078b3568f5852b70cb60e8e696cc77b75bfaaffc118cf79cbda1ba
                     28af4 )
        example.com. 3600 IN RRSIG MX 16 2 3600 (
                     1440021600 1438207200 38353 example.com.
                     E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57C
                     SnZqjJP41O/9l4m0AsQ4f7qI1gVnML8vWWiyW2KXhT9kuAICUSxv5OWbf81
                     Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA )
        """

    /// Every DS in `text` has the digest its DNSKEY (same owner and key tag) gives; returns how many matched.
    func checkDSRecords(_ text: String, crypto: OpenSSLCrypto) throws -> Int {
        let zone = try SignedZone(text: text)
        var checked = 0
        for record in zone.records {
            guard case .ds(let ds) = record.rdata else { continue }
            let key = try #require(zone.keys.first { $0.keyTag == ds.keyTag }, "no DNSKEY \(ds.keyTag)")
            #expect(key.algorithm == ds.algorithm)
            #expect(crypto.supports(ds.digestType))
            let digest = crypto.digest(ds.digestType, of: Canonical.dsDigestInput(owner: record.name, key: key))
            #expect(digest == ds.digest, "DS \(ds.keyTag) digest type \(ds.digestType)")
            checked += 1
        }
        return checked
    }

    /// Every RRSIG in `text` verifies with its key; returns how many did.
    func checkSignatures(_ text: String, crypto: OpenSSLCrypto) throws -> Int {
        let signed = try SignedZone(text: text).signedRRSets()
        for item in signed {
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: item.data) == .valid,
                    "\(item.testDescription) key \(item.rrsig.keyTag)")
            #expect(crypto.verify(algorithm: item.rrsig.algorithm, publicKey: item.key.publicKey,
                                  signature: item.rrsig.signature, data: flipping(item.data, bit: 100)) == .invalid)
        }
        return signed.count
    }

    @Test("RFC 4034 §5.4 and RFC 4509 §2.3: the DS digests of dskey.example.com's key, SHA-1 and SHA-256")
    func rfc4034DSExample() throws {
        let crypto = OpenSSLCrypto()
        let zone = try SignedZone(text: Self.rfc4034DS)
        #expect(zone.keys.first?.keyTag == 60485)
        #expect(try checkDSRecords(Self.rfc4034DS, crypto: crypto) == 2)
    }

    @Test("RFC 6605 §6: the P-256 and P-384 examples' DS digests match and their RRSIGs verify")
    func rfc6605Examples() throws {
        let crypto = OpenSSLCrypto()
        #expect(try checkDSRecords(Self.rfc6605, crypto: crypto) == 2)
        #expect(try checkSignatures(Self.rfc6605, crypto: crypto) == 2)
    }

    @Test("RFC 8080 §6 (erratum 4935): the Ed25519 and Ed448 examples' DS digests match and RRSIGs verify")
    func rfc8080Examples() throws {
        let crypto = OpenSSLCrypto()
        #expect(try checkDSRecords(Self.rfc8080, crypto: crypto) == 4)
        #expect(try checkSignatures(Self.rfc8080, crypto: crypto) == 4)
    }

    @Test("RFC 8080 §6 as published: the Labels field of 3 the example signatures were made over")
    func rfc8080PublishedSignaturesCoverThreeLabels() throws {
        // The published Ed25519 signature for key 3613, with the algorithm restored and Labels 3 as the
        // erratum explains: it verifies over that (wrong) RRSIG, not over the correct one.
        let text = """
            example.com. 3600 IN DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=
            example.com. 3600 IN MX 10 mail.example.com.
            example.com. 3600 IN RRSIG MX 15 3 3600 1440021600 1438207200 3613 example.com. (
                Edk+IB9KNNWg0HAjm7FazXyrd5m3Rk8zNZbvNpAcM+eysqcUOMIjWoevFkj
                H5GaMWeG96GUVZu6ECKOQmemHDg== )
            """
        let crypto = OpenSSLCrypto()
        let zone = try SignedZone(text: text)
        let record = try #require(zone.records.first { $0.type == .rrsig })
        guard case .rrsig(var rrsig) = record.rdata else { Issue.record("not an RRSIG"); return }
        let rrset = try #require(RRSet.group(zone.records.filter { $0.type == .mx }).first)
        let key = try #require(zone.keys.first)
        // Canonical.signedData would treat Labels 3 < 2 labels as no wildcard; the signed data just carries
        // the field as it is.
        let asPublished = try Canonical.signedData(rrsig: rrsig, rrset: rrset)
        #expect(crypto.verify(algorithm: .ed25519, publicKey: key.publicKey, signature: rrsig.signature,
                              data: asPublished) == .valid)
        rrsig.labels = 2
        let corrected = try Canonical.signedData(rrsig: rrsig, rrset: rrset)
        #expect(crypto.verify(algorithm: .ed25519, publicKey: key.publicKey, signature: rrsig.signature,
                              data: corrected) == .invalid)
    }

    /// RFC 5155 Appendix A: the owner-name hashes of the example zone (SHA-1, salt aabbccdd, 12 iterations).
    static let rfc5155Hashes: [(String, String)] = [
        ("example", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"),
        ("a.example", "35mthgpgcu1qg68fab165klnsnk3dpvl"),
        ("ai.example", "gjeqe526plbf1g8mklp59enfd789njgi"),
        ("ns1.example", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"),
        ("ns2.example", "q04jkcevqvmu85r014c7dkba38o0ji5r"),
        ("w.example", "k8udemvp1j2f7eg6jebps17vp3n8i58h"),
        ("*.w.example", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"),
        ("x.w.example", "b4um86eghhds6nea196smvmlo4ors995"),
        ("y.w.example", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"),
        ("x.y.w.example", "2vptu5timamqttgl4luu9kg21e0aor3s"),
        ("xx.example", "t644ebqk9bibcna874givr6joj62mlhv"),
        ("2t7b4g4vsa5smi47k61mv5bv1a22bojr.example", "kohar7mbb8dc2ce8a9qvl8hon4k53uhi"),
    ]

    @Test("RFC 5155 Appendix A: the NSEC3 hashes of the example zone's names", arguments: rfc5155Hashes)
    func rfc5155Hash(owner: String, expected: String) throws {
        let crypto = OpenSSLCrypto()
        let hash = try #require(crypto.nsec3Hash(of: try name(owner), algorithm: 1, salt: [0xAA, 0xBB, 0xCC, 0xDD],
                                                 iterations: 12))
        #expect(hash.count == 20)
        #expect(Base32Hex.encode(hash).lowercased() == expected)
    }

    @Test("RFC 5155 §5 at the edges: no salt and no extra iterations, the root, the largest salt and count")
    func nsec3HashEdges() throws {
        // Expected values from Python's hashlib, computed apart from anchord: H(x ‖ salt), iterated.
        let crypto = OpenSSLCrypto()
        let cases: [(String, [UInt8], UInt16, String)] = [
            ("com", [], 0, "ck0pojmg874ljref7efn8430qvit8bsm"),
            (".", [], 0, "bekjp7dgpvsjukll47bk43i3urmq4u2f"),
            ("example", [UInt8](repeating: 0xFF, count: 255), 65535, "vf1i6oqd056s0oqm7u2spc3apd3g77uk"),
        ]
        for (owner, salt, iterations, expected) in cases {
            let hash = try #require(crypto.nsec3Hash(of: try name(owner), algorithm: 1, salt: salt,
                                                     iterations: iterations))
            #expect(Base32Hex.encode(hash).lowercased() == expected, "\(owner)")
        }
    }

    @Test("RFC 5155 §5: the hash is over the lowercased name, so case does not change it")
    func nsec3HashIgnoresCase() throws {
        let crypto = OpenSSLCrypto()
        let salt: [UInt8] = [0xAA, 0xBB, 0xCC, 0xDD]
        let upper = crypto.nsec3Hash(of: try name("A.EXAMPLE"), algorithm: 1, salt: salt, iterations: 12)
        let lower = crypto.nsec3Hash(of: try name("a.example"), algorithm: 1, salt: salt, iterations: 12)
        #expect(upper != nil && upper == lower)
    }
}
