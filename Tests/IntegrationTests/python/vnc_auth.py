"""VNC authentication (RFB 3.8, security type 2) against 127.0.0.1:PORT with PASSWORD: prints ok or failed."""
import socket
import sys
import warnings

warnings.simplefilter("ignore")
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402


def authenticate(port, password):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.recv(12)
    s.sendall(b"RFB 003.008\n")
    count = s.recv(1)[0]
    if 2 not in s.recv(count):
        return "no vnc authentication"
    s.sendall(bytes([2]))
    challenge = b""
    while len(challenge) < 16:
        challenge += s.recv(16 - len(challenge))
    # VNC's DES key is the password's first 8 bytes, each with its bits reversed.
    key = bytes(int(f"{b:08b}"[::-1], 2) for b in password.encode()[:8].ljust(8, b"\0"))
    encryptor = Cipher(algorithms.TripleDES(key * 3), modes.ECB()).encryptor()
    s.sendall(encryptor.update(challenge) + encryptor.finalize())
    return "ok" if int.from_bytes(s.recv(4), "big") == 0 else "failed"


print(authenticate(int(sys.argv[1]), sys.argv[2]))
