#!/usr/bin/env python3
"""Usage: hostile.py COMMAND [ARGS] — the hostile and careful DNS clients scripts/integration/hardening.sh uses.

  noread HOST PORT NAME TYPE SECONDS PID     pipeline queries over TCP and never read; prints
                                             "cutoff SECONDS|never sent BYTES rss_growth_kb KB"
  halfclose HOST PORT NAME...                send each name's A query over one connection, then
                                             shutdown(SHUT_WR); prints "answers N rcodes R,R,..."
  idle HOST PORT SOURCE COUNT                open COUNT connections from SOURCE and send nothing; prints
                                             "open N closed M" after a moment, keeps them for 30 s
                                             or until killed
  flood HOST PORT SUFFIX QPS SECONDS         UDP queries for unique names under SUFFIX at QPS, replies ignored
  healthy HOST PORT SUFFIX COUNT QPS         unique names under SUFFIX, one try each (3 s); prints
                                             "answered N of COUNT"
Only standard-library Python; every run is bounded in count and time.
"""
import random
import select
import socket
import struct
import sys
import time


def query(name, qtype=1, qid=None):
    """A DNS query message (RD set, no EDNS) for NAME and numeric QTYPE."""
    qid = random.randrange(65536) if qid is None else qid
    labels = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split(".") if label)
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + labels + b"\x00" + struct.pack("!HH", qtype, 1)


def framed(message):
    return struct.pack("!H", len(message)) + message


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def read_frames(sock, count, deadline):
    """Up to COUNT whole frames from SOCK until end of stream or DEADLINE."""
    buffer, frames = b"", []
    while len(frames) < count and time.time() < deadline:
        ready, _, _ = select.select([sock], [], [], max(deadline - time.time(), 0))
        if not ready:
            break
        chunk = sock.recv(65536)
        if not chunk:
            break
        buffer += chunk
        while len(buffer) >= 2 and len(buffer) >= 2 + struct.unpack("!H", buffer[:2])[0]:
            length = struct.unpack("!H", buffer[:2])[0]
            frames.append(buffer[2:2 + length])
            buffer = buffer[2 + length:]
    return frames


def noread(host, port, name, qtype, seconds, pid):
    qtypes = {"A": 1, "TXT": 16}
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    batch = b"".join(framed(query(name, qtypes[qtype], i)) for i in range(64))
    start, sent, peak, base = time.time(), 0, 0, rss_kb(pid)
    cutoff = None
    while time.time() - start < float(seconds):
        try:
            _, writable, _ = select.select([], [sock], [], 0.2)
            if writable:
                sent += sock.send(batch)
        except (ConnectionResetError, BrokenPipeError, OSError):
            cutoff = time.time() - start
            break
        peak = max(peak, rss_kb(pid))
    peak = max(peak, rss_kb(pid))
    sock.close()
    print(f"cutoff {'%.1f' % cutoff if cutoff is not None else 'never'} sent {sent} rss_growth_kb {peak - base}")


def halfclose(host, port, *names):
    sock = socket.create_connection((host, int(port)), timeout=5)
    ids = list(range(1000, 1000 + len(names)))
    sock.sendall(b"".join(framed(query(name, 1, qid)) for name, qid in zip(names, ids)))
    sock.shutdown(socket.SHUT_WR)
    frames = read_frames(sock, len(names), time.time() + 10)
    sock.close()
    rcodes = [str(frame[3] & 0x0F) for frame in frames if len(frame) >= 12 and struct.unpack("!H", frame[:2])[0] in ids]
    print(f"answers {len(rcodes)} rcodes {','.join(rcodes) or '-'}")


def idle(host, port, source, count):
    sockets = []
    for _ in range(int(count)):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((source, 0))
        sock.settimeout(2)
        try:
            sock.connect((host, int(port)))
            sockets.append(sock)
        except OSError:
            sock.close()
    time.sleep(1.0)
    still_open = 0
    for sock in sockets:
        sock.setblocking(False)
        try:
            still_open += 1 if sock.recv(1) else 0  # b"": closed by the server
        except BlockingIOError:
            still_open += 1  # nothing to read and not closed
        except OSError:
            pass
    print(f"open {still_open} closed {int(count) - still_open}", flush=True)
    time.sleep(30)  # or until killed
    for sock in sockets:
        sock.close()


def flood(host, port, suffix, qps, seconds):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    interval, start, sent = 1.0 / float(qps), time.time(), 0
    tag = "%x" % random.randrange(1 << 24)
    while time.time() - start < float(seconds):
        try:
            sock.sendto(query(f"f{sent}-{tag}.{suffix}"), (host, int(port)))
        except BlockingIOError:
            pass
        sent += 1
        try:
            while sock.recv(4096):
                pass
        except BlockingIOError:
            pass
        time.sleep(max(start + sent * interval - time.time(), 0))
    print(f"flood sent {sent}")


def healthy(host, port, suffix, count, qps):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tag = "%x" % random.randrange(1 << 24)
    answered = 0
    for index in range(int(count)):
        qid = random.randrange(65536)
        sock.sendto(query(f"h{index}-{tag}.{suffix}", 1, qid), (host, int(port)))
        deadline = time.time() + 3
        while time.time() < deadline:
            ready, _, _ = select.select([sock], [], [], deadline - time.time())
            if not ready:
                break
            reply = sock.recv(4096)
            if len(reply) >= 12 and struct.unpack("!H", reply[:2])[0] == qid:
                rcode, answers = reply[3] & 0x0F, struct.unpack("!H", reply[6:8])[0]
                answered += 1 if rcode == 0 and answers > 0 else 0
                break
        time.sleep(1.0 / float(qps))
    print(f"answered {answered} of {count}")


if __name__ == "__main__":
    commands = {"noread": noread, "halfclose": halfclose, "idle": idle, "flood": flood, "healthy": healthy}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
