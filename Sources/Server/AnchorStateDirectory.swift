import DNSWire
import Glibc
import TrustAnchors

/// `trust-anchor-state-dir`: where managed (RFC 5011) anchors keep their state between runs, one text file per
/// zone (`AnchorStateFile`). A directory rather than one file, so it can be a container volume.
///
/// Opening it takes an exclusive lock on `anchord.lock` inside, held until the process ends (or `close()`), so
/// two processes never manage the same anchors. Every write is atomic: a temporary file in the directory,
/// fsync, rename over the old file, fsync of the directory; a crash leaves the old state or the new, never half.
public final class AnchorStateDirectory {
    public let path: String
    private var lockDescriptor: Int32

    /// Create the directory when missing, check that it is writable, take the lock. Fails with a message that
    /// names the path and what to do.
    public init(path: String) throws(AnchorStateError) {
        self.path = path
        if mkdir(path, 0o750) != 0, errno != EEXIST {
            throw AnchorStateError.cannotUse(path, AnchorStateDirectory.reason(errno))
        }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw AnchorStateError.cannotUse(path, "it is not a directory")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw AnchorStateError.cannotUse(path, AnchorStateDirectory.reason(errno))
        }
        let lockPath = path + "/anchord.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw AnchorStateError.cannotUse(path, AnchorStateDirectory.reason(errno)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let detail = AnchorStateDirectory.reason(errno)
            Glibc.close(descriptor)
            if busy { throw AnchorStateError.locked(path) }
            throw AnchorStateError.cannotUse(path, detail)
        }
        // Record who holds it, for the operator who finds the file (the lock itself is what counts).
        let owner = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = owner.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } }
        lockDescriptor = descriptor
    }

    deinit { close() }

    /// Let go of the lock (the process's end does it too).
    public func close() {
        guard lockDescriptor >= 0 else { return }
        Glibc.close(lockDescriptor)
        lockDescriptor = -1
    }

    /// The state file's path for `zone`.
    public func filePath(for zone: Name) -> String {
        path + "/" + AnchorStateFile.fileName(for: zone)
    }

    /// The saved state of `zone`, or nil when there is no state file yet.
    public static func load(zone: Name, directory: String) throws(AnchorStateError) -> ManagedAnchor? {
        let file = directory + "/" + AnchorStateFile.fileName(for: zone)
        guard access(file, F_OK) == 0 else { return nil }
        guard let bytes = readFile(file) else {
            throw AnchorStateError.unreadable(file, reason(errno))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let anchor: ManagedAnchor
        do {
            anchor = try AnchorStateFile.decode(text, fileName: file)
        } catch {
            throw AnchorStateError.corrupt(file, "\(error)")
        }
        guard anchor.zone == zone else {
            throw AnchorStateError.corrupt(file, "\(file): holds the anchor of \(anchor.zone), not \(zone)")
        }
        return anchor
    }

    /// Write `anchor`'s state atomically.
    public func save(_ anchor: ManagedAnchor, now: Int64) throws(AnchorStateError) {
        let final = filePath(for: anchor.zone)
        let temporary = final + ".tmp"
        let bytes = Array(AnchorStateFile.encode(anchor, now: now).utf8)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw AnchorStateError.unwritable(temporary, Self.reason(errno)) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                let detail = Self.reason(errno)
                Glibc.close(descriptor)
                unlink(temporary)
                throw AnchorStateError.unwritable(temporary, detail)
            }
            written += count
        }
        guard fsync(descriptor) == 0 else {
            let detail = Self.reason(errno)
            Glibc.close(descriptor)
            unlink(temporary)
            throw AnchorStateError.unwritable(temporary, detail)
        }
        Glibc.close(descriptor)
        guard rename(temporary, final) == 0 else {
            let detail = Self.reason(errno)
            unlink(temporary)
            throw AnchorStateError.unwritable(final, detail)
        }
        let directory = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            Glibc.close(directory)
        }
    }

    /// The whole file at `path`, or nil (errno set).
    static func readFile(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { Glibc.close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
            // A state file is a few kilobytes; anything this large is not one.
            if bytes.count > 1 << 20 { errno = EFBIG; return nil }
        }
    }

    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// Why the managed-anchor state cannot be used; each says the path and the fix.
public enum AnchorStateError: Error, CustomStringConvertible {
    case cannotUse(String, String)
    case locked(String)
    case unreadable(String, String)
    case corrupt(String, String)
    case unwritable(String, String)

    public var description: String {
        switch self {
        case let .cannotUse(path, reason):
            "trust-anchor-state-dir \(path) cannot be used (\(reason)): make it a directory anchord can write, "
                + "set trust-anchor-state-dir to one, or set trust-anchor-read-only: yes to use the anchors without RFC 5011 updates"
        case let .locked(path):
            "trust-anchor-state-dir \(path) is in use by another anchord (\(path)/anchord.lock is locked): "
                + "give each instance its own trust-anchor-state-dir"
        case let .unreadable(path, reason):
            "cannot read the trust-anchor state \(path) (\(reason)): fix its permissions, or remove it to start again from the initial anchors"
        case let .corrupt(path, reason):
            "the trust-anchor state \(path) is not valid: \(reason); restore it from a backup, or remove it to start again "
                + "from the initial anchors (auto-trust-anchor-file or the built-in root keys)"
        case let .unwritable(path, reason):
            "cannot write the trust-anchor state \(path) (\(reason))"
        }
    }
}
