"""Asks one DNS server for a name's A records over UDP and prints them, one per line ("NXDOMAIN" when the
server has none). Used by the network tests to query a network's dnsmasq from inside the test namespace,
where no dig/nslookup binary is available. Usage: dns_query.py SERVER NAME"""
import random
import socket
import struct
import sys

server, name = sys.argv[1], sys.argv[2]
qid = random.randrange(65536)
question = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
packet = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0) + question
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(packet, (server, 53))
reply, _ = s.recvfrom(4096)
rid, flags, qd, an, _, _ = struct.unpack(">HHHHHH", reply[:12])
if rid != qid:
    sys.exit("reply id does not match")
if flags & 0xF == 3 or an == 0:
    print("NXDOMAIN")
    sys.exit(0)
pos = 12 + len(question)


def skip_name(pos):
    while True:
        n = reply[pos]
        if n == 0:
            return pos + 1
        if n & 0xC0 == 0xC0:
            return pos + 2
        pos += n + 1


for _ in range(an):
    pos = skip_name(pos)
    rtype, _, _, length = struct.unpack(">HHIH", reply[pos:pos + 10])
    pos += 10
    if rtype == 1 and length == 4:
        print(socket.inet_ntoa(reply[pos:pos + 4]))
    pos += length
