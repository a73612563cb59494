internal import COpenSSL

/// Facts about the OpenSSL library anchord is linked against.
public enum CryptoLibrary {
    /// OpenSSL's own version text, e.g. "OpenSSL 3.0.19 27 Jan 2026".
    public static var version: String {
        guard let text = OpenSSL_version(OPENSSL_VERSION) else { return "unknown" }
        return String(cString: text)
    }
}
