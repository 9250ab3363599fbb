"""virDomainOpenGraphicsFD as a client sees it: what comes out of the descriptor the daemon hands over (the VNC
server's version banner and, after our version, the security types it offers), and the errors around it.
usage: open_graphics.py URI NAME running|inactive"""
import os
import select
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


if phase == "running":
    for flags, label in ((0, "0"), (libvirt.VIR_DOMAIN_OPEN_GRAPHICS_SKIPAUTH, "skipauth")):
        fd = dom.openGraphicsFD(0, flags)
        banner = read_exactly(fd, 12)
        os.write(fd, b"RFB 003.008\n")
        count = read_exactly(fd, 1)
        types = list(read_exactly(fd, count[0])) if count else []
        print(f"flags={label} banner={banner!r} security types={types}")
        os.close(fd)
    for idx, flags, full in ((1, 0, True), (0, 8, False)):
        try:
            dom.openGraphicsFD(idx, flags)
            print(f"idx={idx} flags={flags}: opened")
        except libvirt.libvirtError as e:
            print(f"idx={idx} flags={flags}: {error(e, full)}")
else:
    try:
        dom.openGraphicsFD(0, 0)
        print("inactive: opened")
    except libvirt.libvirtError as e:
        print(f"inactive: {error(e)}")
