"""virDomainOpenGraphicsFD and virDomainOpenGraphics as a client sees them: what comes out of the descriptor the
daemon hands over, or of our own socket pair's end after the daemon took the other (the VNC server's version
banner and, after our version, the security types it offers), and the errors around them.
usage: open_graphics.py URI NAME running|inactive"""
import os
import select
import socket
import sys

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)
uri, name, phase = sys.argv[1:4]
dom = libvirt.open(uri).lookupByName(name)


def error(e, full=True):
    return f"error code={e.get_error_code()}" + (f" domain={e.get_error_domain()} {e.get_error_message()}" if full else "")


def read_exactly(fd, count):
    data = b""
    while len(data) < count:
        ready, _, _ = select.select([fd], [], [], 10)
        chunk = os.read(fd, count - len(data)) if ready else b""
        if not chunk:
            break
        data += chunk
    return data


def handshake(fd):
    banner = read_exactly(fd, 12)
    os.write(fd, b"RFB 003.008\n")
    count = read_exactly(fd, 1)
    types = list(read_exactly(fd, count[0])) if count else []
    return f"banner={banner!r} security types={types}"


def open_own(idx, flags):
    """virDomainOpenGraphics: the daemon gets one end of our socket pair; we talk on the other."""
    ours, theirs = socket.socketpair()
    try:
        dom.openGraphics(idx, theirs.fileno(), flags)
    finally:
        theirs.close()
    return ours


if phase == "running":
    for flags, label in ((0, "0"), (libvirt.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, "skipauth")):
        fd = dom.openGraphicsFD(0, flags)
        print(f"flags={label} {handshake(fd)}")
        os.close(fd)
        own = open_own(0, flags)
        print(f"own socket flags={label} {handshake(own.fileno())}")
        own.close()
    for idx, flags, full in ((1, 0, True), (0, 8, False)):
        for api, call in (("fd", lambda: os.close(dom.openGraphicsFD(idx, flags))),
                          ("own", lambda: open_own(idx, flags).close())):
            try:
                call()
                print(f"{api} idx={idx} flags={flags}: opened")
            except libvirt.libvirtError as e:
                print(f"{api} idx={idx} flags={flags}: {error(e, full)}")
else:
    for api, call in (("fd", lambda: dom.openGraphicsFD(0, 0)), ("own", lambda: open_own(0, 0).close())):
        try:
            call()
            print(f"{api} inactive: opened")
        except libvirt.libvirtError as e:
            print(f"{api} inactive: {error(e)}")
