import DNSCrypto
import EventIO

/// What this build of anchord is, for `--version` and the startup log.
enum BuildInfo {
    /// anchord's own version.
    static let version = "0.1.0-dev"

    /// `anchord <version>` and the versions of the C libraries it is linked against, one per line.
    static var versionReport: String {
        """
        anchord \(version)
        libevent \(EventLibrary.version)
        \(CryptoLibrary.version)
        """
    }
}
