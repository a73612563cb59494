import DNSWire

/// The root zone's trust anchors as IANA publishes them in https://data.iana.org/root-anchors/root-anchors.xml
/// (RFC 9718 describes that file): the DS records, algorithm 8 (RSASHA256), digest type 2 (SHA-256), of
///
/// - KSK-2017, key tag 20326, valid from 2017-02-02:
///   `. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D`
/// - KSK-2024, key tag 38696, valid from 2024-07-18:
///   `. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16`
///
/// Both are built in so the KSK-2017 → KSK-2024 roll needs no new build. A configured trust-anchor file
/// replaces them; RFC 5011 tracking (`ManagedAnchor(initial:now:)`) starts from them.
public enum RootAnchors {
    /// KSK-2017 (key tag 20326).
    public static let ksk2017 = DS(keyTag: 20326, algorithm: .rsaSHA256, digestType: .sha256, digest: [
        0xE0, 0x6D, 0x44, 0xB8, 0x0B, 0x8F, 0x1D, 0x39,
        0xA9, 0x5C, 0x0B, 0x0D, 0x7C, 0x65, 0xD0, 0x84,
        0x58, 0xE8, 0x80, 0x40, 0x9B, 0xBC, 0x68, 0x34,
        0x57, 0x10, 0x42, 0x37, 0xC7, 0xF8, 0xEC, 0x8D,
    ])

    /// KSK-2024 (key tag 38696).
    public static let ksk2024 = DS(keyTag: 38696, algorithm: .rsaSHA256, digestType: .sha256, digest: [
        0x68, 0x3D, 0x2D, 0x0A, 0xCB, 0x8C, 0x9B, 0x71,
        0x2A, 0x19, 0x48, 0xB2, 0x7F, 0x74, 0x12, 0x19,
        0x29, 0x8D, 0x0A, 0x45, 0x0D, 0x61, 0x2C, 0x48,
        0x3A, 0xF4, 0x44, 0xA4, 0xC0, 0xFB, 0x2B, 0x16,
    ])

    /// The built-in root anchor: both KSKs as DS records.
    public static let anchor = TrustAnchor(zone: .root, keys: [AnchorKey(ds: ksk2017), AnchorKey(ds: ksk2024)])
}
