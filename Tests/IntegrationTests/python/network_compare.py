"""Defines every network XML file of a directory on one daemon and prints, as JSON, what came back: for each file
the inactive XML after define, the live XML after a start (or the start's error), or the define's error (code,
domain, message). Then removes what it made. The network comparison test runs it against swiftvirtd and against
a private libvirtd and compares the two answers. Usage: network_compare.py URI DIR [--start]"""
import json
import os
import sys

import libvirt

uri, directory = sys.argv[1], sys.argv[2]
start = "--start" in sys.argv[3:]
libvirt.registerErrorHandler(lambda *_: None, None)
conn = libvirt.open(uri)


def error(e):
    return {"code": e.get_error_code(), "domain": e.get_error_domain(), "message": e.get_error_message()}


out = {}
made = []
for name in sorted(os.listdir(directory)):
    if not name.endswith(".xml"):
        continue
    with open(os.path.join(directory, name)) as f:
        xml = f.read()
    entry = {}
    try:
        net = conn.networkDefineXML(xml)
    except libvirt.libvirtError as e:
        entry["error"] = error(e)
        out[name] = entry
        continue
    made.append(net)
    entry["inactive"] = net.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE)
    if start:
        try:
            net.create()
            entry["live"] = net.XMLDesc(0)
            net.destroy()
        except libvirt.libvirtError as e:
            entry["startError"] = error(e)
    # Redefining what dumpxml gave must change nothing.
    try:
        again = conn.networkDefineXML(entry["inactive"])
        entry["redefined"] = again.XMLDesc(libvirt.VIR_NETWORK_XML_INACTIVE)
    except libvirt.libvirtError as e:
        entry["redefineError"] = error(e)
    out[name] = entry

for net in made:
    try:
        if net.isActive():
            net.destroy()
        net.undefine()
    except libvirt.libvirtError:
        pass
print(json.dumps(out, indent=1, sort_keys=True))
