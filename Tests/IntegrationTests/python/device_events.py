"""Device events as a client sees them: starts a guest with a CD-ROM and a guest agent channel, waits for the agent
to come up, ejects and inserts media, hot-plugs a disk, and prints the TRAY_CHANGE, AGENT_LIFECYCLE,
DEVICE_ADDED and DEVICE_REMOVED events received, in order.
usage: device_events.py URI NAME MEDIA_A MEDIA_B DISK"""
import sys
import threading
import time

import libvirt

uri, name, media_a, media_b, disk = sys.argv[1:6]
libvirt.virEventRegisterDefaultImpl()
conn = libvirt.open(uri)
events = []
lock = threading.Condition()


def record(text):
    with lock:
        events.append(text)
        lock.notify_all()


def loop():
    while True:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()
dom = conn.lookupByName(name)
conn.domainEventRegisterAny(
    dom, libvirt.VIR_DOMAIN_EVENT_ID_TRAY_CHANGE, lambda c, d, alias, reason, o: record(f"tray {alias} {reason}"), None)
conn.domainEventRegisterAny(
    dom, libvirt.VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
    lambda c, d, state, reason, o: record(f"agent state={state} reason={reason}"), None)
conn.domainEventRegisterAny(
    dom, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, lambda c, d, alias, o: record(f"added {alias}"), None)
conn.domainEventRegisterAny(
    dom, libvirt.VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, lambda c, d, alias, o: record(f"removed {alias}"), None)


def wait_for(text, seconds=60):
    deadline = time.time() + seconds
    with lock:
        while text not in events and time.time() < deadline:
            lock.wait(0.5)
    if text not in events:
        print(f"timed out waiting for '{text}'; events: {events}")
        sys.exit(1)


dom.create()
wait_for("agent state=1 reason=2")
cdrom = "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/>{}<target dev='hdc' bus='ide'/><readonly/></disk>"
live = libvirt.VIR_DOMAIN_AFFECT_LIVE
dom.updateDeviceFlags(cdrom.format(""), live)
wait_for("tray ide0-1-0 0")
dom.updateDeviceFlags(cdrom.format(f"<source file='{media_b}'/>"), live)
wait_for("tray ide0-1-0 1")
extra = f"<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{disk}'/><target dev='vdb' bus='virtio'/></disk>"
dom.attachDeviceFlags(extra, live)
wait_for("added virtio-disk1")
time.sleep(1)
dom.destroy()
with lock:
    for e in events:
        print(e)
