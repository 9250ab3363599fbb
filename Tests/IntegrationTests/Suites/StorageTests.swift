import Foundation
import Testing

extension Integration {
    /// Storage pools and volumes driven by Debian's virsh and python3-libvirt against a real swiftvirtd.
    @Suite struct Storage {
        func sh(_ daemon: DaemonHarness, _ script: String) async throws -> String {
            let result = try await run("/bin/sh", ["-c", script], scratch: daemon.scratch, timeout: .seconds(300))
            guard result.succeeded else { throw HarnessError("sh failed: \(result)") }
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func validate(_ daemon: DaemonHarness, _ xml: String, schema: String) async throws {
            let file = daemon.scratch.appendingPathComponent("\(schema)-\(UUID().uuidString).xml")
            try xml.write(to: file, atomically: true, encoding: .utf8)
            let result = try await run("/usr/bin/virt-xml-validate", [file.path, schema], scratch: daemon.scratch)
            #expect(result.succeeded, "\(result)\n\(xml)")
        }

        func field(_ text: String, _ key: String) -> String? {
            for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
                return line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }

        @Test func defaultPoolExistsOutOfTheBox() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let list = try await virsh.must("pool-list", "--all", "--details")
                let row = try #require(list.split(separator: "\n").first { $0.contains("default") }, "\(list)")
                #expect(row.contains("running") && row.contains("yes"), "\(row)")
                let xml = try await virsh.must("pool-dumpxml", "default")
                #expect(xml.contains("<path>\(daemon.stateDir)/images</path>"), "\(xml)")
                try await validate(daemon, xml, schema: "storagepool")
                let info = try await virsh.must("pool-info", "default")
                #expect(field(info, "State") == "running")
                #expect(field(info, "Autostart") == "yes")
                for key in ["Name", "UUID", "Persistent", "Capacity", "Allocation", "Available"] {
                    #expect(field(info, key) != nil, "\(key) missing in \(info)")
                }
            }
        }

        @Test func poolLifecycle() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let target = daemon.root.appendingPathComponent("pool1").path
                try await virsh.must("pool-define-as", "p1", "dir", "--target", target)
                #expect(field(try await virsh.must("pool-info", "p1"), "State") == "inactive")
                try await virsh.must("pool-build", "p1")
                #expect(FileManager.default.fileExists(atPath: target))
                try await virsh.must("pool-start", "p1")
                try await virsh.must("pool-autostart", "p1")
                let details = try await virsh.must("pool-list", "--all", "--details")
                let row = try #require(details.split(separator: "\n").first { $0.contains(" p1 ") }, "\(details)")
                #expect(row.split(separator: " ").filter { !$0.isEmpty }.prefix(4) == ["p1", "running", "yes", "yes"])
                let uuid = try #require(field(try await virsh.must("pool-info", "p1"), "UUID"))
                #expect(try await virsh.must("pool-name", uuid).contains("p1"))

                // A file made by hand appears after refresh, with the format from its header.
                _ = try await sh(daemon, "qemu-img create -q -f qcow2 \(target)/byhand.img 1M")
                #expect(!(try await virsh.must("vol-list", "p1").contains("byhand.img")))
                try await virsh.must("pool-refresh", "p1")
                #expect(try await virsh.must("vol-list", "p1").contains("byhand.img"))
                #expect(
                    try await virsh.must("vol-dumpxml", "--pool", "p1", "byhand.img").contains("<format type='qcow2'/>")
                )
                try await virsh.must("vol-delete", "--pool", "p1", "byhand.img")

                try await virsh.must("pool-destroy", "p1")
                #expect(field(try await virsh.must("pool-info", "p1"), "State") == "inactive")
                #expect(!(try await virsh("vol-list", "p1")).succeeded)
                try await virsh.must("pool-delete", "p1")
                #expect(!FileManager.default.fileExists(atPath: target))
                try await virsh.must("pool-undefine", "p1")
                #expect(!(try await virsh.must("pool-list", "--all")).contains("p1"))

                // Every libvirt pool type defines; a logical pool's target is its volume group's directory.
                try await virsh.must("pool-define-as", "vg", "logical", "--source-name", "vg0")
                #expect(try await virsh.must("pool-dumpxml", "vg").contains("<path>/dev/vg0</path>"))
                try await virsh.must("pool-undefine", "vg")

                let ro = try await Virsh(daemon, readOnlySocket: true)(
                    "pool-define-as", "p2", "dir", "--target", target)
                #expect(ro.stderr.contains("read only access prevents virStoragePoolDefineXML"), "\(ro)")
                #expect(try await Virsh(daemon, readOnlySocket: true).must("pool-list").contains("default"))
            }
        }

        @Test func volumeVerbs() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let images = daemon.stateDir + "/images"
                try await virsh.must("vol-create-as", "default", "disk.qcow2", "1G", "--format", "qcow2")
                try await virsh.must("vol-create-as", "default", "full.raw", "8M", "--allocation", "8M")
                try await virsh.must("vol-create-as", "default", "thin.raw", "64M", "--allocation", "0")
                let dup = try await virsh("vol-create-as", "default", "thin.raw", "1M")
                #expect(dup.stderr.contains("storage volume 'thin.raw' exists already"), "\(dup)")

                let list = try await virsh.must("vol-list", "default", "--details")
                let row = try #require(list.split(separator: "\n").first { $0.contains("disk.qcow2") }, "\(list)")
                #expect(
                    row.contains("\(images)/disk.qcow2") && row.contains("file") && row.contains("1.00 GiB"), "\(row)")
                let info = try await virsh.must("vol-info", "--pool", "default", "full.raw")
                #expect(field(info, "Type") == "file")
                #expect(field(info, "Capacity") == "8.00 MiB")
                #expect(field(info, "Allocation") == "8.00 MiB")
                #expect(
                    field(try await virsh.must("vol-info", "--pool", "default", "thin.raw"), "Allocation")
                        != "64.00 MiB")

                let xml = try await virsh.must("vol-dumpxml", "--pool", "default", "disk.qcow2")
                #expect(
                    xml.contains("<format type='qcow2'/>")
                        && xml.contains("<capacity unit='bytes'>1073741824</capacity>"))
                try await validate(daemon, xml, schema: "storagevol")

                #expect(
                    try await virsh.must("vol-path", "--pool", "default", "disk.qcow2").contains("\(images)/disk.qcow2")
                )
                #expect(
                    try await virsh.must("vol-key", "--pool", "default", "disk.qcow2").contains("\(images)/disk.qcow2"))
                #expect(try await virsh.must("vol-name", "\(images)/disk.qcow2").contains("disk.qcow2"))
                #expect(try await virsh.must("vol-pool", "\(images)/disk.qcow2").contains("default"))

                // A qcow2 overlay with a backing store, and a full clone.
                try await virsh.must(
                    "vol-create-as", "default", "overlay.qcow2", "1G", "--format", "qcow2", "--backing-vol",
                    "disk.qcow2",
                    "--backing-vol-format", "qcow2")
                let overlay = try await virsh.must("vol-dumpxml", "--pool", "default", "overlay.qcow2")
                #expect(
                    overlay.contains("<backingStore>") && overlay.contains("<path>\(images)/disk.qcow2</path>"),
                    "\(overlay)")
                try await validate(daemon, overlay, schema: "storagevol")
                _ = try await sh(daemon, "qemu-io -c 'write -P 0x5a 0 1M' \(images)/thin.raw >/dev/null")
                try await virsh.must("vol-clone", "--pool", "default", "thin.raw", "copy.raw")
                #expect(try await sh(daemon, "cmp \(images)/thin.raw \(images)/copy.raw && echo same") == "same")

                try await virsh.must("vol-resize", "--pool", "default", "copy.raw", "128M")
                #expect(
                    field(try await virsh.must("vol-info", "--pool", "default", "copy.raw"), "Capacity") == "128.00 MiB"
                )
                let shrink = try await virsh("vol-resize", "--pool", "default", "copy.raw", "1M")
                #expect(shrink.stderr.contains("shrink"), "\(shrink)")
                try await virsh.must("vol-wipe", "--pool", "default", "copy.raw")
                #expect(try await sh(daemon, "cmp -n 1048576 \(images)/copy.raw /dev/zero && echo zero") == "zero")
                try await virsh.must("vol-delete", "--pool", "default", "copy.raw")
                #expect(!FileManager.default.fileExists(atPath: "\(images)/copy.raw"))
                let gone = try await virsh("vol-info", "--pool", "default", "copy.raw")
                #expect(gone.stderr.contains("Storage volume not found"), "\(gone)")
            }
        }

        /// A 300 MiB sparse file with scattered random data, up and down, sparse and not, checksummed.
        @Test func uploadAndDownloadStreams() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let dir = daemon.scratch.path
                _ = try await sh(
                    daemon,
                    """
                    truncate -s 300M \(dir)/src.img
                    for at in 0 37 150 299; do dd if=/dev/urandom of=\(dir)/src.img bs=1M count=1 seek=$at conv=notrunc status=none; done
                    """)
                let sum = try await sh(daemon, "md5sum < \(dir)/src.img")
                try await virsh.must("vol-create-as", "default", "up.raw", "1M")
                try await virsh.must("vol-upload", "--pool", "default", "up.raw", "\(dir)/src.img", "--sparse")
                let stored = daemon.stateDir + "/images/up.raw"
                #expect(try await sh(daemon, "md5sum < \(stored)") == sum)
                let allocatedKiB = Int(try await sh(daemon, "du -k \(stored) | cut -f1")) ?? .max
                #expect(allocatedKiB < 64 * 1024, "sparse upload allocated \(allocatedKiB) KiB")

                try await virsh.must("vol-download", "--pool", "default", "up.raw", "\(dir)/plain.img")
                #expect(try await sh(daemon, "md5sum < \(dir)/plain.img") == sum)
                try await virsh.must("vol-download", "--pool", "default", "up.raw", "\(dir)/sparse.img", "--sparse")
                #expect(try await sh(daemon, "md5sum < \(dir)/sparse.img") == sum)
                let downKiB = Int(try await sh(daemon, "du -k \(dir)/sparse.img | cut -f1")) ?? .max
                #expect(downKiB < 64 * 1024, "sparse download allocated \(downKiB) KiB")

                // A plain upload over the same volume writes every byte.
                try await virsh.must("vol-upload", "--pool", "default", "up.raw", "\(dir)/src.img")
                #expect(try await sh(daemon, "md5sum < \(stored)") == sum)
            }
        }

        /// VMware and VirtualBox disks are recognised by header and converted to qcow2.
        @Test func foreignDisksConvertToQcow2() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let images = daemon.stateDir + "/images"
                let dir = daemon.scratch.path
                _ = try await sh(
                    daemon,
                    """
                    qemu-img create -q -f vmdk \(images)/disk.vmdk 64M
                    qemu-io -f vmdk -c 'write -P 0x42 1M 1M' \(images)/disk.vmdk >/dev/null
                    qemu-img create -q -f vdi \(dir)/vbox.vdi 32M
                    """)
                try await virsh.must("pool-refresh", "default")
                #expect(
                    try await virsh.must("vol-dumpxml", "--pool", "default", "disk.vmdk").contains(
                        "<format type='vmdk'/>"))

                // Uploaded under a misleading name: the header decides.
                try await virsh.must("vol-create-as", "default", "vbox.img", "1M")
                try await virsh.must("vol-upload", "--pool", "default", "vbox.img", "\(dir)/vbox.vdi")
                #expect(
                    try await virsh.must("vol-dumpxml", "--pool", "default", "vbox.img").contains(
                        "<format type='vdi'/>"))

                let target = daemon.scratch.appendingPathComponent("target.xml")
                try "<volume><name>disk.qcow2</name><target><format type='qcow2'/></target></volume>".write(
                    to: target, atomically: true, encoding: .utf8)
                try await virsh.must("vol-create-from", "default", target.path, "disk.vmdk", "--inputpool", "default")
                let xml = try await virsh.must("vol-dumpxml", "--pool", "default", "disk.qcow2")
                #expect(
                    xml.contains("<format type='qcow2'/>") && xml.contains("<capacity unit='bytes'>67108864</capacity>")
                )
                #expect(
                    try await sh(daemon, "qemu-img compare -q \(images)/disk.vmdk \(images)/disk.qcow2 && echo same")
                        == "same")
                try "<volume><name>vbox.qcow2</name><target><format type='qcow2'/></target></volume>".write(
                    to: target, atomically: true, encoding: .utf8)
                try await virsh.must("vol-create-from", "default", target.path, "vbox.img", "--inputpool", "default")
                #expect(
                    try await sh(daemon, "qemu-img info \(images)/vbox.qcow2 | grep 'file format'")
                        == "file format: qcow2")
            }
        }

        @Test func poolsSurviveDaemonKill() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let target = daemon.root.appendingPathComponent("kept").path
                try await virsh.must("pool-define-as", "kept", "dir", "--target", target)
                try await virsh.must("pool-build", "kept")
                try await virsh.must("pool-start", "kept")
                try await virsh.must("vol-create-as", "kept", "v1.qcow2", "16M", "--format", "qcow2")
                try await virsh.must("pool-autostart", "default", "--disable")
                try await daemon.killDaemon()
                try await daemon.start()
                let list = try await virsh.must("pool-list", "--all", "--details")
                let kept = try #require(list.split(separator: "\n").first { $0.contains("kept") }, "\(list)")
                #expect(kept.contains("running"), "\(kept)")
                let def = try #require(list.split(separator: "\n").first { $0.contains("default") }, "\(list)")
                #expect(def.contains("running") && def.contains("no"), "\(def)")
                #expect(try await virsh.must("vol-list", "kept").contains("v1.qcow2"))
            }
        }

        /// A guest whose disk is `<disk type='volume'>`: resolved at start, and the volume cannot be deleted
        /// while the guest runs.
        @Test func volumeDiskResolvedAtStartAndProtected() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                try await virsh.must("vol-create-as", "default", "base.qcow2", "64M", "--format", "qcow2")
                try await virsh.must(
                    "vol-create-as", "default", "guest.qcow2", "64M", "--format", "qcow2", "--backing-vol",
                    "base.qcow2",
                    "--backing-vol-format", "qcow2")
                let disk = """
                    <disk type='volume' device='disk'><source pool='default' volume='guest.qcow2'/>\
                    <target dev='vda' bus='virtio'/></disk>
                    """
                var xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
                let end = try #require(xml.range(of: "</devices>"), "no </devices> in \(xml)")
                xml.insert(contentsOf: disk + "\n", at: end.lowerBound)
                try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                let inactive = try await virsh.must("dumpxml", "--inactive", guest.name)
                #expect(inactive.contains("<source pool='default' volume='guest.qcow2'/>"), "\(inactive)")
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                let path = daemon.stateDir + "/images/guest.qcow2"
                #expect(
                    try await sh(daemon, "cat /proc/\(daemon.qemuPids().first ?? 0)/cmdline | tr '\\0' ' '").contains(
                        path))
                let refused = try await virsh("vol-delete", "--pool", "default", "guest.qcow2")
                #expect(refused.stderr.contains("in use by running domain '\(guest.name)'"), "\(refused)")
                try await virsh.must("destroy", guest.name)
                try await virsh.must("vol-delete", "--pool", "default", "guest.qcow2")
                let missing = try await virsh("start", guest.name)
                #expect(missing.stderr.contains("Storage volume not found"), "\(missing)")
            }
        }

        /// python3-libvirt: the storage calls scripts make, and two connections creating and deleting
        /// volumes in one pool at the same time.
        @Test func pythonStorageFlow() async throws {
            try await DaemonHarness.with { daemon in
                let result = try await run(
                    TestEnvironment.python, [TestEnvironment.pythonScript("storage_flow.py"), daemon.uri],
                    scratch: daemon.scratch, timeout: .seconds(180))
                #expect(result.succeeded, "\(result)")
                #expect(result.stdout.contains("storage flow complete"), "\(result)")
            }
        }
    }
}
