#!/usr/bin/env python3
"""Usage: tc-server.py ADDRESS BACKEND-PORT — a DNS server that truncates every UDP answer.

Listens on ADDRESS port 53, UDP and TCP. Every UDP query gets an empty answer with TC=1 (the
question echoed, and an OPT record when the query had one), so a resolver must ask again over TCP.
Every TCP query is relayed to a real authoritative server (NSD) on ADDRESS:BACKEND-PORT, and its
answer returned unchanged. Queries on one TCP connection are answered in order.
"""
import socket
import socketserver
import struct
import sys
import threading

OPT = 41


def question_end(message):
    """Offset just past the only question, or None when the message is not a one-question query."""
    if len(message) < 12:
        return None
    flags, qdcount = struct.unpack("!HH", message[2:6])
    if flags & 0x8000 or qdcount != 1:
        return None
    offset = 12
    while offset < len(message) and message[offset] != 0:
        if message[offset] & 0xC0:  # a question name is never compressed
            return None
        offset += 1 + message[offset]
    offset += 1 + 4  # root label, type, class
    return offset if offset <= len(message) else None


def truncated(query):
    """RFC 1035 §4.1.1: the header with QR and TC set (opcode and RD kept), the question, no records."""
    end = question_end(query)
    if end is None:
        return None
    ident, flags = struct.unpack("!HH", query[:4])
    flags = (flags & 0x7900) | 0x8000 | 0x0200
    additional = b""
    # RFC 6891 §6.1.2: answer EDNS with EDNS. The query's OPT is its first additional record.
    if len(query) >= end + 11 and query[end] == 0 and struct.unpack("!H", query[end + 1:end + 3])[0] == OPT:
        do_bit = struct.unpack("!H", query[end + 7:end + 9])[0] & 0x8000
        additional = b"\x00" + struct.pack("!HHBBHH", OPT, 1232, 0, 0, do_bit, 0)
    counts = struct.pack("!HHHH", 1, 0, 0, 1 if additional else 0)
    return struct.pack("!HH", ident, flags) + counts + query[12:end] + additional


class TruncatingUDP(socketserver.BaseRequestHandler):
    def handle(self):
        query, sock = self.request
        reply = truncated(query)
        if reply is not None:
            sock.sendto(reply, self.client_address)


def read_frame(sock):
    """RFC 1035 §4.2.2: a two-octet length, then the message. None at end of stream."""
    header = read_exactly(sock, 2)
    if header is None:
        return None
    return read_exactly(sock, struct.unpack("!H", header)[0])


def read_exactly(sock, count):
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


class RelayingTCP(socketserver.BaseRequestHandler):
    backend = None

    def handle(self):
        self.request.settimeout(30)
        try:
            with socket.create_connection(self.backend, timeout=10) as upstream:
                while (query := read_frame(self.request)) is not None:
                    upstream.sendall(struct.pack("!H", len(query)) + query)
                    answer = read_frame(upstream)
                    if answer is None:
                        return
                    self.request.sendall(struct.pack("!H", len(answer)) + answer)
        except OSError as error:
            print(f"tc-server: {self.client_address[0]}: {error}", file=sys.stderr, flush=True)


class Server(socketserver.ThreadingMixIn):
    allow_reuse_address = True
    daemon_threads = True


class UDPServer(Server, socketserver.UDPServer):
    pass


class TCPServer(Server, socketserver.TCPServer):
    pass


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.split("\n\n", 1)[0])
    address, backend_port = argv[0], int(argv[1])
    RelayingTCP.backend = (address, backend_port)
    servers = [UDPServer((address, 53), TruncatingUDP), TCPServer((address, 53), RelayingTCP)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"tc-server: listening on {address} port 53, relaying TCP to port {backend_port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
