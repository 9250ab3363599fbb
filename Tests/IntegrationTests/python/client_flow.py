#!/usr/bin/python3
"""Drives swiftvirtd through Debian's python3-libvirt, the way scripts do.

usage: client_flow.py URI READONLY_URI NAME XML_FILE
Prints one "ok: ..." line per step; any failed check raises, exiting non-zero.
"""
import sys
import threading
import time

import libvirt

uri, ro_uri, name, xml_file = sys.argv[1:5]
with open(xml_file) as f:
    xml = f.read()


def step(text):
    print("ok:", text, flush=True)


# The default event loop must exist before the connection that registers callbacks.
libvirt.virEventRegisterDefaultImpl()
events = []
events_lock = threading.Condition()


def loop():
    while True:
        libvirt.virEventRunDefaultImpl()


threading.Thread(target=loop, daemon=True).start()


def on_lifecycle(_conn, dom, event, detail, _opaque):
    with events_lock:
        events.append((dom.name(), event, detail))
        events_lock.notify_all()


def wait_event(event, detail, timeout=60):
    deadline = time.time() + timeout
    with events_lock:
        while (name, event, detail) not in events:
            left = deadline - time.time()
            assert left > 0, f"no lifecycle event {event}/{detail} for {name}; saw {events}"
            events_lock.wait(left)


conn = libvirt.open(uri)
assert conn is not None
step(f"open {uri}: type {conn.getType()}, hostname {conn.getHostname()}, lib {conn.getLibVersion()}")
callback = conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, on_lifecycle, None)
step("registered lifecycle callback")

before = {d.name() for d in conn.listAllDomains()}
assert name not in before, f"{name} already defined: {before}"

dom = conn.defineXML(xml)
assert dom.name() == name
step(f"defineXML -> {dom.name()} {dom.UUIDString()}")
assert name in {d.name() for d in conn.listAllDomains()}
step("listAllDomains shows it")

dom = conn.lookupByName(name)
assert conn.lookupByUUIDString(dom.UUIDString()).name() == name
state, max_mem, mem, vcpus, _cpu = dom.info()
assert state == libvirt.VIR_DOMAIN_SHUTOFF, f"state {state}"
assert max_mem == 256 * 1024, f"maxMem {max_mem}"
assert vcpus == 1, f"vcpus {vcpus}"
assert dom.isActive() == 0 and dom.ID() == -1
step(f"lookupByName/UUID, info: state {state}, maxMem {max_mem} KiB, vcpus {vcpus}")

desc = dom.XMLDesc(0)
assert f"<name>{name}</name>" in desc and "<kernel>" in desc, desc
step("XMLDesc has name and kernel")

dom.create()
assert dom.isActive() == 1
assert dom.state()[0] == libvirt.VIR_DOMAIN_RUNNING, dom.state()
assert dom.ID() >= 1
assert conn.lookupByID(dom.ID()).name() == name
wait_event(libvirt.VIR_DOMAIN_EVENT_STARTED, libvirt.VIR_DOMAIN_EVENT_STARTED_BOOTED)
step(f"create: running with id {dom.ID()}, Started event received")

dom.destroy()
assert dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF, dom.state()
wait_event(libvirt.VIR_DOMAIN_EVENT_STOPPED, libvirt.VIR_DOMAIN_EVENT_STOPPED_DESTROYED)
step("destroy: shut off, Stopped event received")

dom.undefine()
assert name not in {d.name() for d in conn.listAllDomains()}
try:
    conn.lookupByName(name)
    raise AssertionError("lookup of undefined domain succeeded")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN, (e.get_error_code(), str(e))
step("undefine: gone, lookup fails with VIR_ERR_NO_DOMAIN")

conn.domainEventDeregisterAny(callback)

# The read-only socket reads but may not change anything. Opened without the
# read-only flag, so the refusal has to come from the server, not the client library.
ro = libvirt.open(ro_uri)
ro.listAllDomains()
try:
    ro.defineXML(xml)
    raise AssertionError("defineXML on the read-only socket succeeded")
except libvirt.libvirtError as e:
    assert e.get_error_code() == libvirt.VIR_ERR_OPERATION_DENIED, (e.get_error_code(), str(e))
    refusal = str(e)
step("read-only socket refuses defineXML: " + refusal)
ro.close()
conn.close()
print("client flow complete", flush=True)
