#!/bin/bash
# Regenerates Sources/swiftvirtd/hot-functions.order, the symbol ordering file the release swiftvirtd is linked
# with (Package.swift: lld --symbol-ordering-file).
#
# Why: the kernel maps file-backed code in 64 KiB fault-around windows, so the daemon's resident code is the
# number of 64 KiB stretches of .text that any executed function falls into, not the size of what runs. In
# the default layout the ~1.5 MB of functions that run at start-up and under ordinary calls are spread over
# the whole 14 MB .text, and touching them kept ~10 MB resident. Linking the functions that run first and
# next to each other keeps them in few windows. The order changes only the layout, never what code runs;
# a stale file just packs less well (names that no longer exist are ignored).
#
# How: runs a release swiftvirtd (debug info stripped, so valgrind can read it) under callgrind, first through
# start-up plus the bench's warm-up calls (define + undefine, listAllDomains), then through a broader set of
# management calls, and lists the functions executed: the start-up set first, then the rest. Without the
# default network: the daemon would set up a NAT bridge on the host and leave it when stopped.
#
# Usage (as root, needs valgrind and python3-libvirt):  scripts/update-hot-functions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
OUT=$REPO/Sources/swiftvirtd/hot-functions.order
WORK=$(mktemp -d /tmp/swiftvirt-hot.XXXXXX)
PID=""
cleanup() {
    [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

command -v valgrind >/dev/null || { echo "needs valgrind" >&2; exit 1; }
swift build -c release --static-swift-stdlib --product swiftvirtd >&2
BIN=$(swift build -c release --static-swift-stdlib --show-bin-path)/swiftvirtd
strip --strip-debug -o "$WORK/swiftvirtd" "$BIN"

# Runs the daemon under callgrind through the workload $1 (idle or broad); the profile goes to $WORK/$1.out.
profile() {
    local mode=$1 run=$WORK/$1-run state=$WORK/$1-state i
    mkdir -p "$run" "$state"
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/$mode.out" \
        "$WORK/swiftvirtd" --run-dir "$run" --state-dir "$state" --no-default-network \
        >"$WORK/$mode.log" 2>&1 </dev/null &
    PID=$!
    local uri="qemu+unix:///system?socket=$run/libvirt-sock"
    for i in $(seq 600); do virsh -q -c "$uri" list --all >/dev/null 2>&1 && break; sleep 0.1; done
    /usr/bin/python3 - "$uri" "$mode" "$REPO/scripts/demo-domain.xml" <<'PY'
import re, sys
import libvirt
uri, mode, template = sys.argv[1:4]
conn = libvirt.open(uri)
text = open(template).read()
def xml(name):
    return re.sub(r"<name>[^<]*</name>", f"<name>{name}</name>", text, count=1)
conn.defineXML(xml("hot-warmup")).undefine()
conn.listAllDomains(0)
if mode == "broad":
    defined = [conn.defineXML(xml(f"hot-{i}")) for i in range(20)]
    for d in conn.listAllDomains(0):
        same = conn.lookupByName(d.name())
        same.info(); same.XMLDesc(0); same.UUIDString(); same.isActive()
    conn.getCapabilities(); conn.getHostname(); conn.getInfo(); conn.getLibVersion(); conn.getVersion()
    for n in conn.listAllNetworks(0):
        n.XMLDesc(0); n.isActive()
    for p in conn.listAllStoragePools(0):
        p.XMLDesc(0); p.info()
    for d in defined:
        d.undefine()
    ro = libvirt.openReadOnly(uri)
    ro.listAllDomains(0)
    ro.close()
conn.close()
PY
    sleep 1
    kill -TERM "$PID"
    wait "$PID" || true
    PID=""
}
profile idle
profile broad

/usr/bin/python3 - "$WORK/idle.out" "$WORK/broad.out" >"$OUT" <<'PY'
import re, sys
def executed(path):
    names, seen = {}, set()
    for line in open(path):
        m = re.match(r"^c?fn=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            if m.group(2):
                names[m.group(1)] = m.group(2)
            seen.add(m.group(1))
    return {names[i] for i in seen if i in names}
first = executed(sys.argv[1])
print("\n".join(sorted(first) + sorted(executed(sys.argv[2]) - first)))
PY
echo "wrote $OUT ($(wc -l <"$OUT") functions)" >&2
