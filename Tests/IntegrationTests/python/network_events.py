"""Network lifecycle events and the old name lists through python3-libvirt. Usage: network_events.py URI XMLFILE
Prints one line per check so the Swift test can assert on them."""
import sys
import threading
import time

import libvirt

uri, xml_path = sys.argv[1], sys.argv[2]
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(uri)
seen = []
names = {0: "Defined", 1: "Undefined", 2: "Started", 3: "Stopped"}


def on_event(_conn, net, event, detail, _opaque):
    seen.append(f"{net.name()}:{names.get(event, event)}")


def loop():
    while True:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()
cb = conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, on_event, None)

net = conn.networkDefineXML(open(xml_path).read())
print("defined-list", sorted(conn.listDefinedNetworks()), conn.numOfDefinedNetworks())
net.create()
print("active-list", sorted(conn.listNetworks()), conn.numOfNetworks(), conn.numOfDefinedNetworks())
net.destroy()
net.undefine()
deadline = time.time() + 20
while len(seen) < 4 and time.time() < deadline:
    time.sleep(0.1)
print("events", " ".join(seen))
conn.networkEventDeregisterAny(cb)
try:
    conn.networkEventDeregisterAny(cb)
    print("second deregister accepted")
except libvirt.libvirtError as e:
    print("second deregister refused:", e.get_error_message())
conn.close()
