#!/usr/bin/env python3
"""Usage: silent-server.py ADDRESS — binds UDP and TCP port 53 on ADDRESS and never answers.

UDP queries are read and dropped. TCP connections are accepted and read, never answered, and
closed when the client closes them. A resolver sees timeouts — unlike an address where nothing
listens, which refuses at once (ICMP port unreachable for UDP, a reset for TCP).
"""
import selectors
import socket
import sys


def main(argv):
    if len(argv) != 1:
        sys.exit(__doc__.split("\n\n", 1)[0])
    address = argv[0]
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((address, 53))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((address, 53))
    tcp.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(udp, selectors.EVENT_READ)
    selector.register(tcp, selectors.EVENT_READ)
    print(f"silent-server: listening on {address} port 53, answering nothing", flush=True)
    while True:
        for key, _ in selector.select():
            sock = key.fileobj
            if sock is udp:
                udp.recvfrom(65535)
            elif sock is tcp:
                connection, _ = tcp.accept()
                selector.register(connection, selectors.EVENT_READ)
            else:
                try:
                    data = sock.recv(65535)
                except OSError:
                    data = b""
                if not data:
                    selector.unregister(sock)
                    sock.close()


if __name__ == "__main__":
    main(sys.argv[1:])
