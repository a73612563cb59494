internal import CLibevent

/// Facts about the libevent library anchord is linked against.
public enum EventLibrary {
    /// libevent's own version text, e.g. "2.1.12-stable".
    public static var version: String {
        guard let text = event_get_version() else { return "unknown" }
        return String(cString: text)
    }
}
