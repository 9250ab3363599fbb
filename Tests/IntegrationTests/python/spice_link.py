#!/usr/bin/python3
"""Opens a SPICE main channel as a client does (SpiceLinkHeader + SpiceLinkMess, protocol 2.2) and checks the
server's SpiceLinkReply: its magic, major version and error code (0: the link is accepted; the server wants no
ticket). Prints "spice link ok <major>.<minor>" and exits 0, else says why and exits 1.

usage: spice_link.py HOST PORT
"""
import socket
import struct
import sys

MAGIC = b"REDQ"


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"server closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def main() -> int:
    host, port = sys.argv[1], int(sys.argv[2])
    # SpiceLinkMess: connection_id, channel_type (1 = main), channel_id, no common or channel capabilities.
    mess = struct.pack("<IBBIII", 0, 1, 0, 0, 0, 18)
    header = MAGIC + struct.pack("<III", 2, 2, len(mess))
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(header + mess)
        magic, major, minor, size = struct.unpack("<4sIII", read_exactly(sock, 16))
        if magic != MAGIC or major != 2:
            print(f"not a SPICE 2.x server: magic {magic!r}, version {major}.{minor}")
            return 1
        (error,) = struct.unpack("<I", read_exactly(sock, size)[:4])
        if error != 0:
            print(f"SPICE link refused: error {error}")
            return 1
    print(f"spice link ok {major}.{minor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
