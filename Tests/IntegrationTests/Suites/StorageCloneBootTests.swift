import Foundation
import Testing

extension Integration.Storage {
    /// The guest image as this checkout's scripts/build-guest-image.sh builds it (with svroot=), in a cache
    /// directory of its own beside the shared one: test runs of other checkouts rebuild the shared cache from
    /// their copy of the script. The kernel package is linked from the shared cache, so nothing is downloaded.
    func svrootGuestImage(_ daemon: DaemonHarness) async throws -> String {
        let shared = URL(fileURLWithPath: try TestEnvironment.guestImage().kernel).deletingLastPathComponent().path
        let own = shared + "-svroot"
        let script = TestEnvironment.packageRoot.appendingPathComponent("scripts/build-guest-image.sh").path
        return try await sh(
            daemon,
            """
            mkdir -p \(own)
            for deb in \(shared)/linux-image-*.deb; do [ -e "$deb" ] && ln -f "$deb" \(own)/ 2>/dev/null || true; done
            \(script) \(own) 2>/dev/null | tail -n 1
            """)
    }

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
            _ = try await sh(
                daemon,
                """
                set -e
                mkdir -p \(dir)/rootfs/bin \(dir)/rootfs/sbin \(dir)/rootfs/dev \(dir)/rootfs/proc \(dir)/rootfs/sys
                cp "$(command -v busybox)" \(dir)/rootfs/bin/busybox
                cat >\(dir)/rootfs/sbin/init <<'INIT'
                #!/bin/busybox sh
                echo "SwiftVirt root: init from disk, \(marker)" >/dev/ttyS0
                echo "written by the guest" >/guest-wrote
                /bin/busybox sync
                echo "SwiftVirt root: wrote /guest-wrote" >/dev/ttyS0
                /bin/busybox poweroff -f
                INIT
                chmod 0755 \(dir)/rootfs/sbin/init
                truncate -s 16M \(dir)/rootfs.img
                mke2fs -q -t ext2 -d \(dir)/rootfs -F \(dir)/rootfs.img
                """)
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

            let guest = try TestGuest(daemon)
            var xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
            let shared = try TestEnvironment.guestImage()
            let own = try await svrootGuestImage(daemon)
            xml = xml.replacingOccurrences(
                of: "<kernel>\(shared.kernel)</kernel>", with: "<kernel>\(own)/vmlinuz</kernel>"
            )
            .replacingOccurrences(of: "<initrd>\(shared.initrd)</initrd>", with: "<initrd>\(own)/initrd.img</initrd>")
            xml = xml.replacingOccurrences(
                of: "<cmdline>console=ttyS0</cmdline>", with: "<cmdline>console=ttyS0 svroot=/dev/vda</cmdline>")
            let end = try #require(xml.range(of: "</devices>"), "no </devices> in \(xml)")
            xml.insert(
                contentsOf: """
                    <disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>\
                    <source pool='default' volume='clone.qcow2'/><target dev='vda' bus='virtio'/></disk>

                    """, at: end.lowerBound)
            try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
            try await virsh.must("define", guest.xmlPath)
            try await virsh.must("start", guest.name)
            // The disk's init powers the guest off; on_poweroff=destroy leaves it shut off.
            try await virsh.waitForState(guest.name, "shut off", timeout: .seconds(120))
            let log = readFile(guest.serialLog)
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
}
