import DNSWire

extension TrustAnchorStore {
    /// The store for a configuration: the anchors of every `trust-anchor-file` (read by the caller) and the
    /// `domain-insecure` names as negative anchors.
    ///
    /// Configured files replace the built-in root anchors, so a test hierarchy can use its own root key; with
    /// no files the built-in ones (`RootAnchors`) are used. Anchors for the same zone from several files merge.
    public static func load(files: [(name: String, text: String)], negative: [Name]) throws -> TrustAnchorStore {
        var store = files.isEmpty ? TrustAnchorStore.builtIn : TrustAnchorStore()
        for file in files {
            for anchor in try TrustAnchorFile.parse(text: file.text, fileName: file.name) {
                store.add(anchor)
            }
        }
        for name in negative { store.addNegativeAnchor(name) }
        return store
    }
}
