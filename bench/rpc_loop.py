#!/usr/bin/python3
"""Per-call RPC latency over one open connection, with Debian's python3-libvirt.

A `virsh` process costs ~10 ms of its own start-up and connection set-up, which hides
the daemon's share of a call. Here one connection is opened once and each call is timed
on its own, so the medians are close to the daemon's request handling plus the socket
round trip.

Usage: rpc_loop.py URI DOMAIN CYCLE_XML CYCLE_NAME ITERATIONS
Prints one line per call: name<TAB>median microseconds.
"""

import statistics
import sys
import time

import libvirt


def median_us(call, iterations, warmup=20):
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(iterations):
        t0 = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples) / 1000


def main():
    uri, name, cycle_xml_path, cycle_name, iterations = sys.argv[1:6]
    iterations = int(iterations)
    with open(cycle_xml_path) as f:
        cycle_xml = f.read()
    # A quiet error handler: libvirt prints every error to stderr by default.
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)
    conn = libvirt.open(uri)
    dom = conn.lookupByName(name)

    def define_undefine():
        conn.defineXML(cycle_xml).undefine()

    calls = [
        ("listAllDomains", lambda: conn.listAllDomains(0)),
        ("lookupByName + info", lambda: conn.lookupByName(name).info()),
        ("XMLDesc", lambda: dom.XMLDesc(0)),
        ("defineXML + undefine", define_undefine),
    ]
    for label, call in calls:
        print(f"{label}\t{median_us(call, iterations):.1f}")
    conn.close()


if __name__ == "__main__":
    main()
