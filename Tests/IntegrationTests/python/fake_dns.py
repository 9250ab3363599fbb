"""A tiny upstream DNS server for the forwarder tests: answers every A query with ADDRESS and appends each name
asked to LOG, so a test can tell which queries dnsmasq forwarded. Usage: fake_dns.py LISTEN_ADDRESS ADDRESS LOG"""
import socket
import struct
import sys

listen, address, log = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((listen, 53))
while True:
    query, peer = s.recvfrom(4096)
    qid, flags, qd = struct.unpack(">HHH", query[:6])
    pos, labels = 12, []
    while query[pos]:
        labels.append(query[pos + 1:pos + 1 + query[pos]].decode())
        pos += query[pos] + 1
    question = query[12:pos + 5]
    with open(log, "a") as f:
        f.write(".".join(labels) + "\n")
    answer = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 60, 4) + socket.inet_aton(address)
    s.sendto(struct.pack(">HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + answer, peer)
