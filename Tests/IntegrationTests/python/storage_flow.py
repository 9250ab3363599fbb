#!/usr/bin/python3
"""Storage calls through Debian's python3-libvirt.

usage: storage_flow.py URI
Prints one "ok: ..." line per step; any failed check raises, exiting non-zero.
"""
import sys
import threading

import libvirt

uri = sys.argv[1]
conn = libvirt.open(uri)


def step(text):
    print("ok:", text, flush=True)


pool = conn.storagePoolLookupByName("default")
assert pool.isActive() == 1 and pool.isPersistent() == 1 and pool.autostart() == 1
state, capacity, allocation, available = pool.info()
assert state == libvirt.VIR_STORAGE_POOL_RUNNING and capacity > 0 and available <= capacity
assert conn.storagePoolLookupByUUIDString(pool.UUIDString()).name() == "default"
names = [p.name() for p in conn.listAllStoragePools(libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)]
assert names == ["default"], names
step("default pool")

vol = pool.createXML(
    "<volume><name>py.qcow2</name><capacity unit='M'>32</capacity>"
    "<target><format type='qcow2'/></target></volume>", 0)
vtype, vcap, valloc = vol.info()
assert vtype == libvirt.VIR_STORAGE_VOL_FILE and vcap == 32 * 1024 * 1024, (vtype, vcap)
assert "<format type='qcow2'/>" in vol.XMLDesc(0)
assert conn.storageVolLookupByPath(vol.path()).name() == "py.qcow2"
assert conn.storageVolLookupByKey(vol.key()).name() == "py.qcow2"
assert vol.storagePoolLookupByVolume().name() == "default"
step("volume create/info/lookups")

# upload then download 3 MiB through streams
data = bytes(range(256)) * (3 * 4096)
raw = pool.createXML("<volume><name>py.raw</name><capacity>4096</capacity></volume>", 0)
st = conn.newStream(0)
raw.upload(st, 0, len(data), 0)
for i in range(0, len(data), 65536):
    st.send(data[i:i + 65536])
st.finish()
st = conn.newStream(0)
raw.download(st, 0, 0, 0)
got = bytearray()
while True:
    chunk = st.recv(262144)
    if not chunk:
        break
    got += chunk
st.finish()
assert bytes(got) == data, (len(got), len(data))
step("stream upload/download")

# Two connections create and delete volumes in the same pool at once.
errors = []


def worker(tag):
    try:
        c = libvirt.open(uri)
        p = c.storagePoolLookupByName("default")
        for i in range(15):
            v = p.createXML("<volume><name>%s-%d.img</name><capacity>1048576</capacity></volume>" % (tag, i), 0)
            if i % 2:
                v.delete(0)
        c.close()
    except Exception as e:  # reported below
        errors.append(e)


threads = [threading.Thread(target=worker, args=(t,)) for t in ("a", "b")]
for t in threads:
    t.start()
for t in threads:
    t.join()
assert not errors, errors
pool.refresh(0)
left = sorted(v for v in pool.listVolumes() if v[0] in "ab" and "-" in v)
expected = sorted("%s-%d.img" % (t, i) for t in "ab" for i in range(0, 15, 2))
assert left == expected, left
step("concurrent create/delete")

for v in pool.listAllVolumes(0):
    v.delete(0)
assert pool.numOfVolumes() == 0
print("storage flow complete", flush=True)
