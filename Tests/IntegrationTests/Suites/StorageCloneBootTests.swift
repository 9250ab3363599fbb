import Foundation
import Testing

extension Integration.Storage {
    /// A root filesystem image (busybox + an init script carrying a random marker) is uploaded into the pool as
    /// a raw base volume; a qcow2 volume backed by it is the guest's only disk. The guest's initramfs mounts
    /// /dev/vda and switch_roots into it (kernel option svroot=, scripts/build-guest-image.sh): the marker on
    /// the serial port proves the init ran from the clone. The init writes a file and powers off; the file is
    /// in the clone and the base image is byte-for-byte unchanged.
    @Test func qcow2CloneWithBackingStoreBootsTheGuest() async throws {
        try await DaemonHarness.with { daemon in
            let virsh = Virsh(daemon)
            let images = daemon.stateDir + "/images"
            let dir = daemon.scratch.path
            let marker = "root-marker-\(UUID().uuidString.prefix(8).lowercased())"
            try await makeRootFilesystem(daemon, marker: marker, at: "\(dir)/rootfs.img")
            try await virsh.must("vol-create-as", "default", "base.raw", "16M", "--format", "raw")
            try await virsh.must("vol-upload", "--pool", "default", "base.raw", "\(dir)/rootfs.img")
            let baseSum = try await sh(daemon, "md5sum < \(images)/base.raw")
            #expect(baseSum == (try await sh(daemon, "md5sum < \(dir)/rootfs.img")))

            try await virsh.must(
                "vol-create-as", "default", "clone.qcow2", "16M", "--format", "qcow2", "--backing-vol", "base.raw",
                "--backing-vol-format", "raw")
            let cloneXML = try await virsh.must("vol-dumpxml", "--pool", "default", "clone.qcow2")
            #expect(
                cloneXML.contains("<backingStore>") && cloneXML.contains("<path>\(images)/base.raw</path>")
                    && cloneXML.contains("<format type='raw'/>"), "\(cloneXML)")

            let log = try await bootFromVolume(daemon, volume: "clone.qcow2")
            #expect(log.contains("SwiftVirt guest: switching root to /dev/vda"), "\(log.suffix(2000))")
            #expect(log.contains("SwiftVirt root: init from disk, \(marker)"), "\(log.suffix(2000))")
            #expect(log.contains("SwiftVirt root: wrote /guest-wrote"), "\(log.suffix(2000))")
            #expect(!log.contains(TestEnvironment.banner), "the initramfs booted instead: \(log.suffix(2000))")

            // The guest's write went into the clone; the base is untouched.
            #expect(try await sh(daemon, "md5sum < \(images)/base.raw") == baseSum)
            let written = try await sh(
                daemon,
                """
                qemu-img convert -O raw \(images)/clone.qcow2 \(dir)/clone-flat.raw
                debugfs -R 'cat /guest-wrote' \(dir)/clone-flat.raw 2>/dev/null
                """)
            #expect(written == "written by the guest")
            let inBase = try await sh(daemon, "debugfs -R 'cat /guest-wrote' \(images)/base.raw 2>&1 || true")
            #expect(inBase.contains("File not found"), "\(inBase)")
            // The clone still reads through to the base for everything the guest did not write.
            let initFromClone = try await sh(daemon, "debugfs -R 'cat /sbin/init' \(dir)/clone-flat.raw 2>/dev/null")
            #expect(initFromClone.contains(marker))
        }
    }

    /// An ext2 image at `path` holding busybox and an /sbin/init that prints `marker` on ttyS0, writes
    /// /guest-wrote and powers off.
    func makeRootFilesystem(_ daemon: DaemonHarness, marker: String, at path: String) async throws {
        let dir = daemon.scratch.path + "/rootfs-\(marker)"
        _ = try await sh(
            daemon,
            """
            set -e
            mkdir -p \(dir)/bin \(dir)/sbin \(dir)/dev \(dir)/proc \(dir)/sys
            cp "$(command -v busybox)" \(dir)/bin/busybox
            cat >\(dir)/sbin/init <<'INIT'
            #!/bin/busybox sh
            echo "SwiftVirt root: init from disk, \(marker)" >/dev/ttyS0
            echo "written by the guest" >/guest-wrote
            /bin/busybox sync
            echo "SwiftVirt root: wrote /guest-wrote" >/dev/ttyS0
            /bin/busybox poweroff -f
            INIT
            chmod 0755 \(dir)/sbin/init
            truncate -s 16M \(path)
            mke2fs -q -t ext2 -d \(dir) -F \(path)
            """)
    }

    /// Defines and starts a test guest whose only disk is the qcow2 pool volume `volume` of pool default, booted
    /// with svroot=/dev/vda, waits until the disk's init has powered it off and returns its serial log.
    func bootFromVolume(_ daemon: DaemonHarness, volume: String) async throws -> String {
        let virsh = Virsh(daemon)
        let guest = try TestGuest(daemon, name: "root-\(volume.split(separator: ".")[0])")
        // The guest image is this checkout's (TestEnvironment.guestImage), so it knows svroot=.
        var xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
        xml = xml.replacingOccurrences(
            of: "<cmdline>console=ttyS0</cmdline>", with: "<cmdline>console=ttyS0 svroot=/dev/vda</cmdline>")
        let end = try #require(xml.range(of: "</devices>"), "no </devices> in \(xml)")
        xml.insert(
            contentsOf: """
                <disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>\
                <source pool='default' volume='\(volume)'/><target dev='vda' bus='virtio'/></disk>

                """, at: end.lowerBound)
        try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
        try await virsh.must("define", guest.xmlPath)
        try await virsh.must("start", guest.name)
        // The disk's init powers the guest off; on_poweroff=destroy leaves it shut off.
        try await virsh.waitForState(guest.name, "shut off", timeout: .seconds(120))
        return readFile(guest.serialLog)
    }

    /// The seed's VMware and VirtualBox cases end to end: the same root filesystem as a .vmdk placed in the pool
    /// directory and as a .vdi uploaded under a neutral name, each recognised by its header, converted to qcow2
    /// with vol-create-from and booted from under QEMU.
    @Test func importedVMwareAndVirtualBoxDisksBootAfterConversion() async throws {
        try await DaemonHarness.with { daemon in
            let virsh = Virsh(daemon)
            let images = daemon.stateDir + "/images"
            let dir = daemon.scratch.path
            let marker = "import-marker-\(UUID().uuidString.prefix(8).lowercased())"
            try await makeRootFilesystem(daemon, marker: marker, at: "\(dir)/rootfs.img")
            _ = try await sh(
                daemon,
                """
                set -e
                qemu-img convert -O vmdk \(dir)/rootfs.img \(images)/appliance.vmdk
                qemu-img convert -O vdi \(dir)/rootfs.img \(dir)/appliance.vdi
                """)
            try await virsh.must("pool-refresh", "default")
            try await virsh.must("vol-create-as", "default", "vbox-disk", "1M")
            try await virsh.must("vol-upload", "--pool", "default", "vbox-disk", "\(dir)/appliance.vdi")
            for (source, format, target) in [
                ("appliance.vmdk", "vmdk", "vmware.qcow2"), ("vbox-disk", "vdi", "vbox.qcow2"),
            ] {
                let info = try await virsh.must("vol-dumpxml", "--pool", "default", source)
                #expect(info.contains("<format type='\(format)'/>"), "\(source): \(info)")
                let xmlPath = "\(dir)/\(target).xml"
                try "<volume><name>\(target)</name><target><format type='qcow2'/></target></volume>".write(
                    toFile: xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("vol-create-from", "default", xmlPath, source, "--inputpool", "default")
                #expect(
                    try await sh(daemon, "qemu-img info \(images)/\(target) | grep 'file format'")
                        == "file format: qcow2")
                let log = try await bootFromVolume(daemon, volume: target)
                #expect(log.contains("SwiftVirt root: init from disk, \(marker)"), "\(target): \(log.suffix(2000))")
                #expect(log.contains("SwiftVirt root: wrote /guest-wrote"), "\(target): \(log.suffix(2000))")
                #expect(!log.contains(TestEnvironment.banner), "the initramfs booted instead: \(log.suffix(2000))")
            }
        }
    }
}
