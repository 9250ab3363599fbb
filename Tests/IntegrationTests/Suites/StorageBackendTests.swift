import Foundation
import Testing

extension Integration.Storage {
    /// A loop device over a new sparse file of `megabytes`, detached (and the file removed) after `body`.
    func withLoopDevices<T>(
        _ daemon: DaemonHarness, count: Int = 1, megabytes: Int = 64, partitions: Bool = false,
        _ body: ([String]) async throws -> T
    ) async throws -> T {
        var devices: [String] = []
        defer {
            for d in devices { _ = try? Process.run(URL(fileURLWithPath: "/usr/sbin/losetup"), arguments: ["-d", d]) }
        }
        for i in 0..<count {
            let file = daemon.scratch.appendingPathComponent("loop\(i).img").path
            devices.append(
                try await sh(
                    daemon,
                    "truncate -s \(megabytes)M \(file) && losetup \(partitions ? "-P " : "")-f --show \(file)"))
        }
        return try await body(devices)
    }

    /// fs pool: mkfs at build (overwrite), mounted at start, file volumes inside, unmounted at destroy.
    @Test func fsPoolOnALoopDevice() async throws {
        try await DaemonHarness.with { daemon in
            try await withLoopDevices(daemon) { devices in
                let virsh = Virsh(daemon)
                let target = daemon.root.path + "/fsmnt"
                try await virsh.must(
                    "pool-define-as", "fsp", "fs", "--source-dev", devices[0], "--source-format", "ext4",
                    "--target", target)
                try await virsh.must("pool-build", "fsp", "--overwrite")
                #expect(try await sh(daemon, "blkid -o value -s TYPE \(devices[0])") == "ext4")
                try await virsh.must("pool-start", "fsp")
                let mounts = try await sh(daemon, "grep ' \(target) ' /proc/mounts || true")
                #expect(mounts.hasPrefix(devices[0] + " " + target + " ext4 "), "\(mounts)")
                #expect(mounts.contains("nosuid") && mounts.contains("nodev") && mounts.contains("noexec"))
                try await virsh.must("vol-create-as", "fsp", "a.raw", "4M")
                #expect(try await virsh.must("vol-list", "fsp").contains("\(target)/a.raw"))
                let info = try await virsh.must("pool-info", "fsp")
                #expect(field(info, "State") == "running")
                try await validate(daemon, try await virsh.must("pool-dumpxml", "fsp"), schema: "storagepool")
                try await virsh.must("pool-destroy", "fsp")
                #expect(try await sh(daemon, "grep -c ' \(target) ' /proc/mounts || true") == "0")
                try await virsh.must("pool-undefine", "fsp")
            }
        }
    }

    /// logical pool: a volume group over two loop devices; LVs where the kernel has device-mapper, else
    /// lvcreate's own refusal; delete removes the group and the physical volumes.
    @Test func logicalPoolOnTwoLoopDevices() async throws {
        try await DaemonHarness.with { daemon in
            try await withLoopDevices(daemon, count: 2) { devices in
                let virsh = Virsh(daemon)
                let vg = "svt\(UUID().uuidString.prefix(6).lowercased())"
                defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/sbin/vgremove"), arguments: ["-f", vg]) }
                let xml = """
                    <pool type='logical'><name>\(vg)</name><source><device path='\(devices[0])'/>\
                    <device path='\(devices[1])'/></source></pool>
                    """
                let file = daemon.scratch.appendingPathComponent("lvm.xml")
                try xml.write(to: file, atomically: true, encoding: .utf8)
                try await virsh.must("pool-define", file.path)
                try await virsh.must("pool-build", "--pool", vg)
                try await virsh.must("pool-start", vg)
                let size = try await sh(daemon, "vgs --noheadings --units b --nosuffix -o vg_size \(vg) 2>/dev/null")
                let info = try await virsh.must("pool-info", "--bytes", vg)
                #expect(field(info, "Capacity") == size.trimmingCharacters(in: .whitespaces) + " bytes" || field(info, "Capacity") == size, "\(info) \(size)")
                let sources = try await virsh.must("find-storage-pool-sources", "logical")
                #expect(sources.contains("<name>\(vg)</name>") && sources.contains("<device path='\(devices[1])'/>"))
                let dumped = try await virsh.must("pool-dumpxml", vg)
                #expect(dumped.contains("<path>/dev/\(vg)</path>") && dumped.contains("<format type='lvm2'/>"))
                let created = try await virsh("vol-create-as", vg, "lv1", "8M")
                let misc = (try? String(contentsOfFile: "/proc/misc", encoding: .utf8)) ?? ""
                if misc.contains("device-mapper") {
                    #expect(created.succeeded, "\(created)")
                    #expect(try await sh(daemon, "test -b /dev/\(vg)/lv1 && echo block") == "block")
                    #expect(try await virsh.must("vol-list", vg).contains("/dev/\(vg)/lv1"))
                    try await virsh.must("vol-delete", "--pool", vg, "lv1")
                } else {
                    // This kernel has no device-mapper: lvcreate refuses, and the error is lvcreate's own.
                    #expect(!created.succeeded)
                    #expect(created.stderr.contains("lvcreate --name lv1 -L 8192K \(vg) --yes"), "\(created)")
                    #expect(created.stderr.contains("device-mapper"), "\(created)")
                }
                try await virsh.must("pool-destroy", vg)
                try await virsh.must("pool-delete", vg)
                #expect(try await sh(daemon, "vgs \(vg) >/dev/null 2>&1 && echo present || echo gone") == "gone")
                let pvs = try await sh(daemon, "pvs --noheadings -o pv_name 2>/dev/null || true")
                #expect(!pvs.contains(devices[0]) && !pvs.contains(devices[1]), "\(pvs)")
                try await virsh.must("pool-undefine", vg)
            }
        }
    }

    /// disk pool: a GPT label written at build; volumes are partitions named as their device nodes.
    @Test func diskPoolOnALoopDevice() async throws {
        try await DaemonHarness.with { daemon in
            try await withLoopDevices(daemon, partitions: true) { devices in
                let virsh = Virsh(daemon)
                let base = String(devices[0].split(separator: "/").last ?? "")
                try await virsh.must(
                    "pool-define-as", "dp", "disk", "--source-dev", devices[0], "--source-format", "gpt",
                    "--target", "/dev")
                try await virsh.must("pool-build", "dp", "--overwrite")
                #expect(try await sh(daemon, "blkid -p -o value -s PTTYPE \(devices[0])") == "gpt")
                try await virsh.must("pool-start", "dp")
                let wrong = try await virsh("vol-create-as", "dp", "nope", "8M")
                #expect(wrong.stderr.contains("invalid partition name 'nope', expected '\(base)p1'"), "\(wrong)")
                try await virsh.must("vol-create-as", "dp", "\(base)p1", "8M")
                #expect(try await sh(daemon, "test -b /dev/\(base)p1 && echo block") == "block")
                let vol = try await virsh.must("vol-dumpxml", "--pool", "dp", "\(base)p1")
                #expect(vol.contains("<volume type='block'>") && vol.contains("<capacity unit='bytes'>8388608</capacity>"))
                #expect(vol.contains("<extent start='1048576' end='9437184'/>"), "\(vol)")
                try await validate(daemon, vol, schema: "storagevol")
                let pool = try await virsh.must("pool-dumpxml", "dp")
                #expect(pool.contains("<freeExtent "), "\(pool)")
                try await validate(daemon, pool, schema: "storagepool")
                try await virsh.must("vol-delete", "--pool", "dp", "\(base)p1")
                #expect(try await virsh.must("vol-list", "dp").contains("p1") == false)
                try await virsh.must("pool-destroy", "dp")
                try await virsh.must("pool-undefine", "dp")
            }
        }
    }

    /// netfs pool: mounted with mount's NFS helper at start; where the kernel has no NFS client the start is
    /// refused with mount's own message.
    @Test func netfsPoolStartsOrGivesMountsError() async throws {
        try await DaemonHarness.with { daemon in
            let virsh = Virsh(daemon)
            let target = daemon.root.path + "/nfsmnt"
            try await virsh.must(
                "pool-define-as", "np", "netfs", "--source-host", "127.0.0.1", "--source-path", "/srv/none",
                "--source-format", "nfs", "--target", target)
            try await virsh.must("pool-build", "np")
            let kernelHasNFS = (try? String(contentsOfFile: "/proc/filesystems", encoding: .utf8))?
                .split(separator: "\n").contains { $0.hasSuffix("\tnfs") } ?? false
            let started = try await virsh("pool-start", "np")
            #expect(!started.succeeded, "no server exports /srv/none: \(started)")
            #expect(
                started.stderr.contains("-o nodev,nosuid,noexec -t nfs 127.0.0.1:/srv/none \(target)"), "\(started)")
            if !kernelHasNFS {
                #expect(started.stderr.contains("mount"), "\(started)")
            }
            try await virsh.must("pool-undefine", "np")
        }
    }

    /// Types without a backend here: defined, written back unchanged on redefinition, refused at start with
    /// libvirt's words for a missing backend.
    @Test func typesWithoutABackendDefineAndRefuseStart() async throws {
        try await DaemonHarness.with { daemon in
            let virsh = Virsh(daemon)
            for (i, (type, xml)) in StorageXMLCorpus.unbackedPools.enumerated() {
                let file = daemon.scratch.appendingPathComponent("p\(i).xml")
                try xml.write(to: file, atomically: true, encoding: .utf8)
                try await virsh.must("pool-define", file.path)
                let name = "nb\(i)"
                let first = try await virsh.must("pool-dumpxml", name)
                try first.write(to: file, atomically: true, encoding: .utf8)
                try await virsh.must("pool-define", file.path)
                #expect(try await virsh.must("pool-dumpxml", name) == first, "\(type)")
                try await validate(daemon, first, schema: "storagepool")
                let started = try await virsh("pool-start", name)
                let number = StorageXMLCorpus.typeNumbers[type] ?? -1
                #expect(
                    started.stderr.contains("internal error: missing backend for pool type \(number) (\(type))"),
                    "\(started)")
                try await virsh.must("pool-undefine", name)
            }
        }
    }
}
