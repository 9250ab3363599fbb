#!/usr/bin/python3
"""The workloads of issue 7, run through Debian's python3-libvirt against swiftvirtd and libvirtd.

bench/run.sh starts both daemons and calls this with their URIs and PIDs. Every workload runs the same
calls against each daemon, interleaved (the order alternates between repetitions), and is repeated; a
figure is the median over repetitions with the min..max spread. The result is a Markdown table and a
JSON file of figures and ratios (swiftvirtd / libvirtd).

Workloads:
  1. create() of a direct-kernel-boot TCG guest: until the call returns, until the first serial line,
     until the userspace banner; raw qemu-system-x86_64 with the same options is the floor.
  2. Management: define N domains, listAllDomains, lookupByName+info, XMLDesc, undefine (ops/s).
  3. Concurrency: 1, 8 and 32 client processes looping lookupByName+info+XMLDesc for a fixed time.
  4. Footprint: daemon RSS idle, with N defined domains, with G running guests (daemon processes only).
  5. Storage and networks: volume create (qcow2, raw) and clone in a dir pool; NAT network create+start, destroy.
"""

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import struct
import subprocess
import time
import urllib.parse

import libvirt

BANNER = b"SwiftVirt guest ready"
DAEMONS = ("swiftvirtd", "libvirtd")


def quiet_errors():
    libvirt.registerErrorHandler(lambda _ctx, _err: None, None)


def rss_kib(pids):
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def cpu_seconds(pids):
    """User + system CPU time the processes have used so far (utime + stime from /proc/PID/stat)."""
    total = 0
    for pid in pids:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def cpu_ns(pids):
    """CPU time the processes' threads have run so far, in ns (/proc/PID/task/*/schedstat: fine-grained where
    /proc/PID/stat counts clock ticks). On a shared machine it moves far less than wall-clock rates do."""
    total = 0
    for pid in pids:
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # the thread ended meanwhile
    return total


class RawRPC:
    """libvirt's remote protocol spoken directly on the daemon's unix socket, without python3-libvirt: what the
    daemon itself takes to answer a call, which the bindings' per-object work hides in the ordinary figures."""
    PROGRAM, VERSION = 0x20008086, 1
    AUTH_LIST, CONNECT_OPEN, CONNECT_CLOSE, CONNECT_LIST_ALL_DOMAINS = 66, 1, 2, 273

    def __init__(self, uri):
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(query["socket"][0])
        self.serial = 0
        self.call(self.AUTH_LIST, b"")
        name = b"qemu:///system"
        pad = b"\0" * (-len(name) % 4)
        self.call(self.CONNECT_OPEN, struct.pack(">II", 1, len(name)) + name + pad + struct.pack(">I", 0))

    def call(self, procedure, payload):
        self.serial += 1
        body = struct.pack(">IIiiIi", self.PROGRAM, self.VERSION, procedure, 0, self.serial, 0) + payload
        self.sock.sendall(struct.pack(">I", len(body) + 4) + body)
        length = struct.unpack(">I", self.recv(4))[0]
        reply = self.recv(length - 4)
        program, _, proc, _, serial, status = struct.unpack(">IIiiIi", reply[:24])
        if (program, proc, serial, status) != (self.PROGRAM, procedure, self.serial, 0):
            raise RuntimeError(f"raw RPC: procedure {procedure} answered with status {status}")
        return reply[24:]

    def recv(self, n):
        chunks = []
        while n:
            chunk = self.sock.recv(n)
            if not chunk:
                raise RuntimeError("raw RPC: connection closed")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def list_all_domains(self):
        """Returns how many domains the reply holds (its trailing count)."""
        reply = self.call(self.CONNECT_LIST_ALL_DOMAINS, struct.pack(">iI", 1, 0))
        return struct.unpack(">I", reply[-4:])[0]

    def close(self):
        self.call(self.CONNECT_CLOSE, b"")
        self.sock.close()


class Bench:
    def __init__(self, args):
        self.args = args
        self.uris = {"swiftvirtd": args.sv_uri, "libvirtd": args.lv_uri}
        self.pids = {"swiftvirtd": [args.sv_pid], "libvirtd": [args.lv_pid]}
        self.conns = {d: libvirt.open(u) for d, u in self.uris.items()}
        with open(args.template) as f:
            self.template = f.read()
        self.samples = {}  # metric -> daemon -> [values]
        self.meta = {}  # metric -> (unit, better, target)
        self.notes = []

    # ------------------------------------------------------------------------------------ helpers

    def xml(self, name, serial_log="/dev/null"):
        return (self.template.replace("@NAME@", name)
                .replace("@KERNEL@", os.path.join(self.args.guest_dir, "vmlinuz"))
                .replace("@INITRD@", os.path.join(self.args.guest_dir, "initrd.img"))
                .replace("@SERIAL_LOG@", serial_log))

    def record(self, metric, unit, better, daemon, value, target=None):
        self.meta.setdefault(metric, (unit, better, target))
        self.samples.setdefault(metric, {}).setdefault(daemon, []).append(value)

    def order(self, rep):
        """Interleaving: which daemon goes first alternates with the repetition."""
        return DAEMONS if rep % 2 == 0 else DAEMONS[::-1]

    def log(self, msg):
        print(f"bench: {msg}", flush=True, file=__import__("sys").stderr)

    def cleanup_prefix(self, prefix):
        for daemon, conn in self.conns.items():
            for dom in conn.listAllDomains(0):
                if dom.name().startswith(prefix):
                    try:
                        if dom.isActive():
                            dom.destroy()
                    except libvirt.libvirtError:
                        pass
                    try:
                        dom.undefine()
                    except libvirt.libvirtError:
                        pass

    # ------------------------------------------------------------------------------------ workloads

    def pad(self):
        """Warms both daemons up (libvirtd probes QEMU's capabilities on the first define), then, if libvirtd
        holds domains of its own, gives swiftvirtd as many inactive fillers."""
        for conn in self.conns.values():
            conn.defineXML(self.xml("bench-warmup")).undefine()
        lv = len(self.conns["libvirtd"].listAllDomains(0))
        sv = len(self.conns["swiftvirtd"].listAllDomains(0))
        for i in range(max(0, lv - sv)):
            self.conns["swiftvirtd"].defineXML(self.xml(f"bench-pad-{i}"))
        if lv:
            self.notes.append(f"Both daemons hold {lv} other domain(s) throughout (libvirtd's pre-existing ones; "
                          f"swiftvirtd gets as many inactive fillers), on top of what each workload defines.")

    def idle_rss(self):
        time.sleep(0.5)
        for d in DAEMONS:
            self.record("RSS idle", "MiB", "lower", d, rss_kib(self.pids[d]) / 1024, "≤ 0.5")
        if self.args.virtlogd_pid:
            self.notes.append(f"virtlogd (libvirtd's log daemon; not used for these guests since qemu.conf sets "
                              f"stdio_handler=file) held {rss_kib([self.args.virtlogd_pid]) / 1024:.1f} MiB RSS "
                              f"at idle, not counted above.")

    def wait_serial(self, path, deadline):
        """Returns (first line time, banner time) by polling the serial log."""
        first = banner = None
        while time.monotonic() < deadline:
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                data = b""
            now = time.monotonic()
            if first is None and b"\n" in data:
                first = now
            if BANNER in data:
                return first or now, now
            time.sleep(0.002)
        raise RuntimeError(f"no banner in {path}")

    def create_once(self, daemon, rep):
        log = os.path.join(self.args.work, f"create-{daemon}-{rep}.log")
        if os.path.exists(log):
            os.unlink(log)
        xml = self.xml("bench-create", log)
        t0 = time.monotonic()
        dom = self.conns[daemon].createXML(xml, 0)
        t1 = time.monotonic()
        first, banner = self.wait_serial(log, t0 + 120)
        dom.destroy()
        self.record("create(): call returns", "ms", "lower", daemon, (t1 - t0) * 1000, "≤ 0.25")
        self.record("create(): first serial line", "ms", "lower", daemon, (first - t0) * 1000)
        self.record("create(): userspace banner", "ms", "lower", daemon, (banner - t0) * 1000)

    def raw_qemu_once(self, rep):
        log = os.path.join(self.args.work, f"raw-{rep}.log")
        if os.path.exists(log):
            os.unlink(log)
        # The guest-visible options swiftvirtd passes for this XML (Tests/SwiftVirtQEMUTests/Golden/demo.xml.args),
        # without the management plumbing (-S + QMP monitor) and with the serial port on a plain file.
        cmd = ["qemu-system-x86_64", "-name", "guest=bench-raw", "-machine", "pc-i440fx-7.2,usb=off,dump-guest-core=off",
               "-accel", "tcg", "-m", "size=262144k", "-smp", "1,sockets=1,cores=1,threads=1", "-display", "none",
               "-no-user-config", "-nodefaults", "-rtc", "base=utc", "-no-shutdown", "-boot", "strict=on",
               "-kernel", os.path.join(self.args.guest_dir, "vmlinuz"),
               "-initrd", os.path.join(self.args.guest_dir, "initrd.img"), "-append", "console=ttyS0",
               "-device", "piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2",
               "-chardev", f"file,id=charserial0,path={log}", "-device", "isa-serial,chardev=charserial0,id=serial0,index=0",
               "-device", "virtio-balloon-pci,id=balloon0,bus=pci.0,addr=0x2"]
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            first, banner = self.wait_serial(log, t0 + 120)
        finally:
            proc.kill()
            proc.wait()
        self.record("create(): first serial line", "ms", "lower", "raw qemu", (first - t0) * 1000)
        self.record("create(): userspace banner", "ms", "lower", "raw qemu", (banner - t0) * 1000)

    def creates(self):
        self.cleanup_prefix("bench-create")
        for rep in range(self.args.create_reps):
            self.log(f"create {rep + 1}/{self.args.create_reps}")
            for daemon in self.order(rep):
                self.create_once(daemon, rep)
            self.raw_qemu_once(rep)

    def management(self):
        """Define and undefine are timed once per repetition and daemon; the read-only phases, which take a
        fraction of a second, are repeated in rounds that alternate between the daemons, so a burst of load
        from elsewhere on the machine does not land on one daemon's whole phase."""
        n = self.args.domains
        names = [f"bench-mgmt-{i}" for i in range(n)]
        self.cleanup_prefix("bench-mgmt-")
        xmls = [self.xml(name) for name in names]
        for rep in range(self.args.mgmt_reps):
            self.log(f"management {rep + 1}/{self.args.mgmt_reps} ({n} domains)")
            for daemon in self.order(rep):
                conn = self.conns[daemon]
                t0 = time.monotonic()
                for x in xmls:
                    conn.defineXML(x)
                t1 = time.monotonic()
                self.record(f"define {n} domains", "ops/s", "higher", daemon, n / (t1 - t0), "≥ 2")
            time.sleep(0.2)
            for daemon in DAEMONS:
                self.record(f"RSS with {n} defined domains", "MiB", "lower", daemon,
                            rss_kib(self.pids[daemon]) / 1024, "≤ 0.5")
            doms = {d: [c.lookupByName(name) for name in names] for d, c in self.conns.items()}
            for rnd in range(self.args.read_rounds):
                for daemon in self.order(rep + rnd):
                    conn = self.conns[daemon]
                    times = []
                    for _ in range(self.args.list_calls):
                        t = time.monotonic()
                        listed = conn.listAllDomains(0)
                        times.append(time.monotonic() - t)
                    assert len(listed) >= n
                    self.record(f"listAllDomains ({len(listed)} domains)", "ms", "lower", daemon,
                                statistics.median(times) * 1000, "≤ 0.5")
                    raw = RawRPC(self.uris[daemon])
                    times = []
                    for _ in range(self.args.list_calls):
                        t = time.monotonic()
                        count = raw.list_all_domains()
                        times.append(time.monotonic() - t)
                    raw.close()
                    assert count == len(listed)
                    self.record(f"↳ the same call as raw RPC, no python3-libvirt", "ms", "lower", daemon,
                                statistics.median(times) * 1000)
                    t0 = time.monotonic()
                    for name in names:
                        conn.lookupByName(name).info()
                    t1 = time.monotonic()
                    self.record("lookupByName + info", "ops/s", "higher", daemon, n / (t1 - t0), "≥ 2")
                    t0 = time.monotonic()
                    for dom in doms[daemon]:
                        dom.XMLDesc(0)
                    t1 = time.monotonic()
                    self.record("XMLDesc", "ops/s", "higher", daemon, n / (t1 - t0), "≥ 2")
            for daemon in self.order(rep):
                t0 = time.monotonic()
                for dom in doms[daemon]:
                    dom.undefine()
                t1 = time.monotonic()
                self.record("undefine", "ops/s", "higher", daemon, n / (t1 - t0))

    def cold_xmldesc(self):
        """500 domains as virt-install defines them (q35, fifteen root ports, channel, tablet, VNC, RNG): defined,
        then each read once with XMLDesc, so a per-domain cache of the formatted text cannot help."""
        n = self.args.domains
        names = [f"bench-vi-{i}" for i in range(n)]
        self.cleanup_prefix("bench-vi-")
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "virt-install-domain.xml")) as f:
            template = f.read()
        xmls = [template.replace("@NAME@", name)
                .replace("@KERNEL@", os.path.join(self.args.guest_dir, "vmlinuz"))
                .replace("@INITRD@", os.path.join(self.args.guest_dir, "initrd.img"))
                .replace("@DISK@", f"/var/lib/libvirt/images/{name}.qcow2") for name in names]
        secure_names = [f"bench-vi-pw-{i}" for i in range(n)]
        secure_xmls = [x.replace(name, pw).replace('<graphics type="vnc" port="-1"/>',
                                                   '<graphics type="vnc" port="-1" passwd="secret"/>')
                       for x, name, pw in zip(xmls, names, secure_names)]
        self.cleanup_prefix("bench-vi-pw-")
        for rep in range(self.args.mgmt_reps):
            self.log(f"cold XMLDesc {rep + 1}/{self.args.mgmt_reps} ({n} virt-install domains)")
            for daemon in self.order(rep):
                conn = self.conns[daemon]
                t0 = time.monotonic()
                for x in xmls:
                    conn.defineXML(x)
                t1 = time.monotonic()
                self.record(f"define {n} virt-install domains", "ops/s", "higher", daemon, n / (t1 - t0), "≥ 2")
                doms = [conn.lookupByName(name) for name in names]
                t0 = time.monotonic()
                for dom in doms:
                    dom.XMLDesc(0)
                t1 = time.monotonic()
                self.record("XMLDesc cold (virt-install domain, each read once)", "ops/s", "higher", daemon,
                            n / (t1 - t0), "≥ 2")
                for dom in doms:
                    dom.undefine()
                # swiftvirtd answers a first read with the text its define formatted for the journal. It keeps no
                # such text for a domain with a graphics password, so a first read of one formats the domain:
                # a cold read that really formats (then cached for plain reads, so each domain is read once).
                # Read with VIR_DOMAIN_XML_SECURE, such a domain is formatted on every call by both daemons.
                for x in secure_xmls:
                    conn.defineXML(x)
                doms = [conn.lookupByName(name) for name in secure_names]
                c0, t0 = cpu_ns(self.pids[daemon]), time.monotonic()
                for dom in doms:
                    dom.XMLDesc(0)
                t1, c1 = time.monotonic(), cpu_ns(self.pids[daemon])
                self.record("XMLDesc cold, formatted (VNC password: no journal text to reuse; each read once)",
                            "ops/s", "higher", daemon, len(doms) / (t1 - t0), "≥ 2")
                self.record("↳ daemon CPU per cold formatted read", "µs", "lower", daemon, (c1 - c0) / len(doms) / 1000)
                c0, t0 = cpu_ns(self.pids[daemon]), time.monotonic()
                for dom in doms:
                    dom.XMLDesc(libvirt.VIR_DOMAIN_XML_SECURE)
                t1, c1 = time.monotonic(), cpu_ns(self.pids[daemon])
                self.record("XMLDesc formatted each call (same domain, VNC password, SECURE)", "ops/s", "higher",
                            daemon, len(doms) / (t1 - t0))
                self.record("↳ daemon CPU per SECURE read", "µs", "lower", daemon, (c1 - c0) / len(doms) / 1000)
                for dom in doms:
                    dom.undefine()

    def concurrency(self):
        names = [f"bench-conc-{i}" for i in range(10)]
        self.cleanup_prefix("bench-conc-")
        for conn in self.conns.values():
            for name in names:
                conn.defineXML(self.xml(name))
        ctx = multiprocessing.get_context("spawn")
        for clients in self.args.clients:
            for rep in range(self.args.conc_reps):
                for daemon in self.order(rep):
                    self.log(f"concurrency: {clients} client(s) on {daemon}, rep {rep + 1}/{self.args.conc_reps}")
                    ops, lat, cpu = run_clients(ctx, self.uris[daemon], names, clients, self.args.duration,
                                                self.pids[daemon])
                    lat.sort()
                    target_ops = "≥ 2" if clients == 32 else None
                    target_p99 = "≤ 0.33" if clients == 32 else None
                    self.record(f"{clients} clients: throughput", "ops/s", "higher", daemon, ops, target_ops)
                    self.record(f"{clients} clients: p50 latency", "ms", "lower", daemon,
                                lat[len(lat) // 2] * 1000)
                    self.record(f"{clients} clients: p99 latency", "ms", "lower", daemon,
                                lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000, target_p99)
                    self.record(f"{clients} clients: daemon CPU per op", "µs", "lower", daemon,
                                cpu / max(1, len(lat)) * 1e6)
        self.cleanup_prefix("bench-conc-")

    def running_guests(self):
        g = self.args.guests
        self.cleanup_prefix("bench-run-")
        for daemon in DAEMONS:
            self.log(f"{g} running guests on {daemon}")
            doms = [self.conns[daemon].createXML(self.xml(f"bench-run-{i}"), 0) for i in range(g)]
            time.sleep(2)
            self.record(f"RSS with {g} running guests", "MiB", "lower", daemon, rss_kib(self.pids[daemon]) / 1024)
            for dom in doms:
                try:
                    dom.destroy()
                except libvirt.libvirtError as e:  # a transient guest whose QEMU ended is already gone
                    self.notes.append(f"{daemon}: guest {dom.name()} was gone before destroy: {e.get_error_message()}")

    def storage(self):
        """Workload 5a: volume create (qcow2 and raw, 1 GiB) and clone (a 64 MiB raw volume full of data), each in
        a transient dir pool of its own per daemon."""
        pools, sources = {}, {}
        for daemon, conn in self.conns.items():
            path = os.path.join(self.args.work, f"pool-{daemon}")
            os.makedirs(path, exist_ok=True)
            pools[daemon] = conn.storagePoolCreateXML(
                f"<pool type='dir'><name>bench-pool</name><target><path>{path}</path></target></pool>", 0)
            sources[daemon] = pools[daemon].createXML(volume_xml("bench-source.raw", "raw", 64 << 20), 0)
            with open(sources[daemon].path(), "r+b") as f:
                chunk = os.urandom(1 << 20)
                for _ in range(64):
                    f.write(chunk)
        for rep in range(self.args.storage_reps):
            self.log(f"storage {rep + 1}/{self.args.storage_reps}")
            for daemon in self.order(rep):
                pool = pools[daemon]
                for fmt in ("qcow2", "raw"):
                    t0 = time.monotonic()
                    vol = pool.createXML(volume_xml(f"bench-{rep}.{fmt}", fmt, 1 << 30), 0)
                    self.record(f"volume create, {fmt} 1 GiB", "ms", "lower", daemon, (time.monotonic() - t0) * 1000)
                    vol.delete(0)
                t0 = time.monotonic()
                clone = pool.createXMLFrom(volume_xml(f"bench-clone-{rep}.raw", "raw", 64 << 20), sources[daemon], 0)
                self.record("volume clone, 64 MiB raw of data", "ms", "lower", daemon, (time.monotonic() - t0) * 1000)
                clone.delete(0)
        for daemon, pool in pools.items():
            sources[daemon].delete(0)
            pool.destroy()

    def networks(self):
        """Workload 5b: a NAT network with DHCP created and started (bridge, dnsmasq, firewall rules), then
        destroyed. Each daemon runs in a network namespace of its own (bench/run.sh), so nothing reaches the host."""
        xml = ("<network><name>bench-net</name><forward mode='nat'/><bridge name='svbench0'/>"
               "<ip address='10.250.0.1' netmask='255.255.255.0'><dhcp><range start='10.250.0.10' "
               "end='10.250.0.200'/></dhcp></ip></network>")
        for rep in range(self.args.network_reps):
            self.log(f"networks {rep + 1}/{self.args.network_reps}")
            for daemon in self.order(rep):
                conn = self.conns[daemon]
                t0 = time.monotonic()
                net = conn.networkCreateXML(xml)
                t1 = time.monotonic()
                net.destroy()
                t2 = time.monotonic()
                self.record("network create + start (NAT, DHCP)", "ms", "lower", daemon, (t1 - t0) * 1000)
                self.record("network destroy", "ms", "lower", daemon, (t2 - t1) * 1000)

    # ------------------------------------------------------------------------------------ report

    def figures(self):
        out = []
        for metric, per in self.samples.items():
            unit, better, target = self.meta[metric]
            row = {"metric": metric, "unit": unit, "better": better, "target": target}
            for daemon, values in per.items():
                row[daemon] = {"median": statistics.median(values), "min": min(values), "max": max(values),
                               "samples": values}
            sv, lv = row.get("swiftvirtd"), row.get("libvirtd")
            if sv and lv and lv["median"]:
                row["ratio"] = sv["median"] / lv["median"]
            if "raw qemu" in row and sv:
                row["ratio_to_raw_qemu"] = sv["median"] / row["raw qemu"]["median"]
            if target and "ratio" in row:
                op, bound = target.split()
                row["holds"] = row["ratio"] <= float(bound) if op == "≤" else row["ratio"] >= float(bound)
            out.append(row)
        return out

    def markdown(self, rows, header):
        def cell(row, daemon):
            v = row.get(daemon)
            if not v:
                return "—"
            if len(v["samples"]) == 1:
                return fmt(v["median"])
            return f"{fmt(v['median'])} ({fmt(v['min'])}–{fmt(v['max'])})"

        lines = [header, "",
                 "| metric | unit | swiftvirtd | libvirtd | ratio sv/lv | target | holds |",
                 "|---|---|---:|---:|---:|---|---|"]
        for r in rows:
            ratio = f"{r['ratio']:.2f}" if "ratio" in r else "—"
            holds = {True: "yes", False: "**no**"}.get(r.get("holds"), "")
            lines.append(f"| {r['metric']} | {r['unit']} | {cell(r, 'swiftvirtd')} | {cell(r, 'libvirtd')} | "
                         f"{ratio} | {r['target'] or ''} | {holds} |")
            if "raw qemu" in r:
                lines.append(f"| ↳ raw qemu-system-x86_64, same options | {r['unit']} | {cell(r, 'raw qemu')} "
                             f"| | sv/raw {r['ratio_to_raw_qemu']:.2f} | "
                             f"{'≤ 1.05' if 'banner' in r['metric'] else ''} | "
                             f"{'' if 'banner' not in r['metric'] else ('yes' if r['ratio_to_raw_qemu'] <= 1.05 else '**no**')} |")
        lines += ["", "Cells: median (min–max) over repetitions. Ratio = swiftvirtd ÷ libvirtd.", ""]
        lines += [f"- {n}" for n in self.notes]
        return "\n".join(lines) + "\n"


def volume_xml(name, fmt, capacity):
    return (f"<volume><name>{name}</name><capacity unit='bytes'>{capacity}</capacity>"
            f"<target><format type='{fmt}'/></target></volume>")


def fmt(x):
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def client_loop(uri, names, barrier, duration, queue):
    quiet_errors()
    conn = libvirt.open(uri)
    lat = []
    barrier.wait()
    end = time.monotonic() + duration
    i = os.getpid()
    while True:
        name = names[i % len(names)]
        i += 1
        t0 = time.monotonic()
        dom = conn.lookupByName(name)
        dom.info()
        dom.XMLDesc(0)
        t1 = time.monotonic()
        if t1 > end:
            break
        lat.append(t1 - t0)
    conn.close()
    queue.put(lat)


def run_clients(ctx, uri, names, clients, duration, daemon_pids):
    """Returns ops/s, every op's latency, and the daemon's CPU seconds from the start signal until the last
    client reported (its busy-polling, if any, included)."""
    barrier = ctx.Barrier(clients + 1)
    queue = ctx.Queue()
    procs = [ctx.Process(target=client_loop, args=(uri, names, barrier, duration, queue)) for _ in range(clients)]
    for p in procs:
        p.start()
    barrier.wait()
    cpu0 = cpu_seconds(daemon_pids)
    lat = []
    for _ in procs:
        lat += queue.get()
    cpu = cpu_seconds(daemon_pids) - cpu0
    for p in procs:
        p.join()
    return len(lat) / duration, lat, cpu


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sv-uri", required=True)
    p.add_argument("--lv-uri", required=True)
    p.add_argument("--sv-pid", type=int, required=True)
    p.add_argument("--lv-pid", type=int, required=True)
    p.add_argument("--virtlogd-pid", type=int)
    p.add_argument("--guest-dir", required=True)
    p.add_argument("--template", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--header", required=True, help="Markdown header file to put above the table")
    p.add_argument("--out", required=True, help="output stem: writes STEM.md and STEM.json")
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--only", help="comma-separated workloads to run (e.g. cold_xmldesc); default: all")
    args = p.parse_args()
    full = dict(create_reps=5, domains=500, mgmt_reps=3, read_rounds=5, list_calls=20, clients=[1, 8, 32], conc_reps=2,
                duration=5.0, guests=10, storage_reps=5, network_reps=5)
    smoke = dict(create_reps=1, domains=5, mgmt_reps=1, read_rounds=1, list_calls=2, clients=[1, 2], conc_reps=1,
                 duration=0.5, guests=1, storage_reps=1, network_reps=1)
    for k, v in (smoke if args.smoke else full).items():
        setattr(args, k, v)
    quiet_errors()
    b = Bench(args)
    workloads = ["pad", "idle_rss", "management", "cold_xmldesc", "concurrency", "creates", "running_guests",
                 "storage", "networks"]
    only = args.only.split(",") if args.only else workloads
    unknown = set(only) - set(workloads)
    if unknown:
        p.error(f"unknown workloads: {', '.join(sorted(unknown))}")
    for name in workloads:
        if name in only or name == "pad":  # the warm-up always runs
            getattr(b, name)()
    b.notes.append(f"Sizes: create() ×{args.create_reps}; management {args.domains} domains ×{args.mgmt_reps} "
                   f"(read-only phases in {args.read_rounds} alternating rounds per repetition; listAllDomains: median of "
                   f"{args.list_calls} calls per round); concurrency "
                   f"{'/'.join(map(str, args.clients))} client processes × {args.duration:g} s × {args.conc_reps}; "
                   f"{args.guests} running guests; volumes ×{args.storage_reps}; networks ×{args.network_reps}. "
                   f"One concurrency op = lookupByName + info + XMLDesc on one of "
                   f"10 inactive domains; latency is per op, pooled over clients.")
    b.notes.append("RSS counts the daemon process only (VmRSS), never QEMU.")
    rows = b.figures()
    with open(args.header) as f:
        header = f.read().rstrip()
    md = b.markdown(rows, header)
    with open(args.out + ".md", "w") as f:
        f.write(md)
    with open(args.out + ".json", "w") as f:
        json.dump({"header": header, "smoke": args.smoke, "figures": rows, "notes": b.notes}, f, indent=1)
    print(md)


if __name__ == "__main__":
    main()
