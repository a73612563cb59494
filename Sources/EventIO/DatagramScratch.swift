internal import CLibevent
import Glibc

/// One datagram to send: the bytes and where to.
public struct OutgoingDatagram: Sendable {
    public var bytes: [UInt8]
    public var destination: SocketAddress

    public init(_ bytes: [UInt8], to destination: SocketAddress) {
        self.bytes = bytes
        self.destination = destination
    }
}

/// The memory `recvmmsg`/`sendmmsg` work in: message headers, iovecs, address slots and datagram buffers.
///
/// One per loop, shared by all its UDP sockets: callbacks on a loop run one at a time and never inside each
/// other, and every received datagram is copied out before any callback runs, so no two users overlap. That
/// keeps a socket per upstream query down to a file descriptor and an event. Allocated on first use; pages of
/// the receive buffers are only touched (and so only resident) as far as datagrams reach into them.
final class DatagramScratch {
    let slots: Int
    let slotSize: Int
    /// False once the kernel said ENOSYS to recvmmsg/sendmmsg (a sandbox may filter them); then one datagram per call.
    var multiMessageCalls = true

    private var headers: UnsafeMutablePointer<anchord_mmsghdr>?
    private var iovecs: UnsafeMutablePointer<iovec>?
    private var names: UnsafeMutablePointer<sockaddr_storage>?
    private var receiveBuffers: UnsafeMutableRawPointer?
    private var sendBuffer: UnsafeMutableRawPointer?
    private var sendCapacity = 0

    init(slots: Int, slotSize: Int) {
        self.slots = slots
        self.slotSize = slotSize
    }

    deinit {
        headers?.deallocate()
        iovecs?.deallocate()
        names?.deallocate()
        receiveBuffers?.deallocate()
        sendBuffer?.deallocate()
    }

    /// Receives up to `limit` datagrams with one `recvmmsg` (or one `recvfrom`), copies them out and calls
    /// `deliver` for each, after the system call. Returns the `errno` of a failed call, nil when it succeeded.
    func receive(
        from fd: Int32, limit: Int, deliver: (_ bytes: [UInt8]?, _ source: SocketAddress?) -> Void
    ) -> Int32? {
        let (headers, iovecs, names, buffers) = memory()
        let count = multiMessageCalls ? min(max(limit, 1), slots) : 1
        for index in 0..<count {
            // Set every field again: the kernel rewrites lengths and flags, and sending aims these elsewhere.
            iovecs[index] = iovec(iov_base: buffers + index * slotSize, iov_len: slotSize)
            var header = msghdr()
            header.msg_name = UnsafeMutableRawPointer(names + index)
            header.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            header.msg_iov = iovecs + index
            header.msg_iovlen = 1
            headers[index] = anchord_mmsghdr(msg_hdr: header, msg_len: 0)
        }
        var received: Int32
        if multiMessageCalls {
            received = anchord_recvmmsg(fd, headers, UInt32(count), Int32(MSG_DONTWAIT), nil)
            if received < 0 && errno == ENOSYS {
                multiMessageCalls = false
                return receive(from: fd, limit: 1, deliver: deliver)
            }
        } else {
            let length = recvmsg(fd, &headers[0].msg_hdr, Int32(MSG_DONTWAIT))
            if length >= 0 { headers[0].msg_len = UInt32(length) }
            received = length < 0 ? -1 : 1
        }
        guard received >= 0 else { return errno }
        // Copy everything out first: a callback may send, and the next receive reuses these buffers.
        var batch: [(bytes: [UInt8]?, source: SocketAddress?)] = []
        batch.reserveCapacity(Int(received))
        for index in 0..<Int(received) {
            let header = headers[index]
            let nameBytes = UnsafeRawBufferPointer(start: names + index, count: MemoryLayout<sockaddr_storage>.size)
            let source = SocketAddress(sockaddrBytes: nameBytes, length: Int(header.msg_hdr.msg_namelen))
            if header.msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0 {
                batch.append((nil, source))
            } else {
                let start = buffers + index * slotSize
                batch.append((Array(UnsafeRawBufferPointer(start: start, count: Int(header.msg_len))), source))
            }
        }
        for datagram in batch { deliver(datagram.bytes, datagram.source) }
        return nil
    }

    /// Sends `datagrams` (to `destination`, or on a connected socket when it is nil) with as few `sendmmsg`
    /// calls as the slots allow. Returns how many the kernel accepted; a datagram it refuses is skipped.
    func send(_ datagrams: ArraySlice<OutgoingDatagram>, on fd: Int32, connected: Bool) -> Int {
        var sent = 0
        var start = datagrams.startIndex
        while start < datagrams.endIndex {
            let chunk = datagrams[start..<min(start + slots, datagrams.endIndex)]
            let accepted = sendChunk(chunk, on: fd, connected: connected)
            sent += accepted
            // Skip the datagram the kernel refused (its errno is lost: UDP sends are best effort).
            start += accepted < chunk.count ? accepted + 1 : accepted
        }
        return sent
    }

    private func sendChunk(_ chunk: ArraySlice<OutgoingDatagram>, on fd: Int32, connected: Bool) -> Int {
        let (headers, iovecs, names, _) = memory()
        let total = chunk.reduce(0) { $0 + $1.bytes.count }
        let buffer = sendMemory(capacity: total)
        var offset = 0
        for (index, datagram) in chunk.enumerated() {
            datagram.bytes.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { (buffer + offset).copyMemory(from: base, byteCount: bytes.count) }
            }
            iovecs[index] = iovec(iov_base: buffer + offset, iov_len: datagram.bytes.count)
            offset += datagram.bytes.count
            var header = msghdr()
            header.msg_iov = iovecs + index
            header.msg_iovlen = 1
            if !connected {
                names[index] = datagram.destination.storage
                header.msg_name = UnsafeMutableRawPointer(names + index)
                header.msg_namelen = datagram.destination.storageLength
            }
            headers[index] = anchord_mmsghdr(msg_hdr: header, msg_len: 0)
        }
        if multiMessageCalls {
            let accepted = anchord_sendmmsg(fd, headers, UInt32(chunk.count), 0)
            if accepted >= 0 { return Int(accepted) }
            guard errno == ENOSYS else { return 0 }
            multiMessageCalls = false
        }
        for index in 0..<chunk.count where sendmsg(fd, &headers[index].msg_hdr, 0) < 0 {
            return index
        }
        return chunk.count
    }

    /// Headers, iovecs, address slots and receive buffers for `slots` datagrams; the caller fills them in.
    private func memory() -> (UnsafeMutablePointer<anchord_mmsghdr>, UnsafeMutablePointer<iovec>,
                              UnsafeMutablePointer<sockaddr_storage>, UnsafeMutableRawPointer) {
        if let headers, let iovecs, let names, let receiveBuffers { return (headers, iovecs, names, receiveBuffers) }
        let headers = UnsafeMutablePointer<anchord_mmsghdr>.allocate(capacity: slots)
        let iovecs = UnsafeMutablePointer<iovec>.allocate(capacity: slots)
        let names = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: slots)
        let buffers = UnsafeMutableRawPointer.allocate(byteCount: slots * slotSize, alignment: 16)
        headers.initialize(repeating: anchord_mmsghdr(), count: slots)
        iovecs.initialize(repeating: iovec(), count: slots)
        names.initialize(repeating: sockaddr_storage(), count: slots)
        (self.headers, self.iovecs, self.names, self.receiveBuffers) = (headers, iovecs, names, buffers)
        return (headers, iovecs, names, buffers)
    }

    private func sendMemory(capacity: Int) -> UnsafeMutableRawPointer {
        if let sendBuffer, sendCapacity >= capacity { return sendBuffer }
        sendBuffer?.deallocate()
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 4096), alignment: 16)
        (sendBuffer, sendCapacity) = (buffer, max(capacity, 4096))
        return buffer
    }
}
