"""Asks one DNS server for a name's records over UDP and prints them, one per line: A records as addresses, SRV as
"PRIORITY WEIGHT PORT TARGET", TXT as their text; "NXDOMAIN" when the server has none, "NO ANSWER" when nothing
answers (e.g. DNS turned off). Used by the network tests to query a network's dnsmasq from inside the test
namespace, where no dig/nslookup binary is available. Usage: dns_query.py SERVER NAME [A|SRV|TXT|PTR]"""
import random
import socket
import struct
import sys

server, name = sys.argv[1], sys.argv[2]
qtype = {"A": 1, "PTR": 12, "TXT": 16, "SRV": 33}[sys.argv[3] if len(sys.argv) > 3 else "A"]
qid = random.randrange(65536)
question = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".") if p) + b"\0" + struct.pack(">HH", qtype, 1)
packet = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
try:
    s.sendto(packet, (server, 53))
    reply, _ = s.recvfrom(4096)
except (socket.timeout, ConnectionRefusedError):
    print("NO ANSWER")
    sys.exit(0)
rid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", reply[:12])
if rid != qid:
    sys.exit("reply id does not match")
if flags & 0xF == 5:
    print("REFUSED")
    sys.exit(0)
if flags & 0xF == 3 or an == 0:
    print("NXDOMAIN")
    sys.exit(0)
pos = 12 + len(question)


def read_name(pos):
    """The name at pos (following compression pointers) and the position after it."""
    labels, end = [], None
    while True:
        n = reply[pos]
        if n == 0:
            return ".".join(labels), (end or pos + 1)
        if n & 0xC0 == 0xC0:
            end = end or pos + 2
            pos = struct.unpack(">H", reply[pos:pos + 2])[0] & 0x3FFF
            continue
        labels.append(reply[pos + 1:pos + 1 + n].decode())
        pos += n + 1


for _ in range(an):
    _, pos = read_name(pos)
    rtype, _, _, length = struct.unpack(">HHIH", reply[pos:pos + 10])
    pos += 10
    data = reply[pos:pos + length]
    if rtype == 1 and length == 4:
        print(socket.inet_ntoa(data))
    elif rtype == 33:
        priority, weight, port = struct.unpack(">HHH", data[:6])
        print(priority, weight, port, read_name(pos + 6)[0])
    elif rtype == 16:
        texts, i = [], 0
        while i < len(data):
            texts.append(data[i + 1:i + 1 + data[i]].decode())
            i += 1 + data[i]
        print("".join(texts))
    elif rtype == 12:
        print(read_name(pos)[0])
    pos += length
