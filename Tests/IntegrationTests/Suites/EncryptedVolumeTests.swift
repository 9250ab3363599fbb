import Foundation
import Testing

extension Integration {
    /// LUKS-encrypted volumes and disks keyed by secrets. On swiftvirtd and on a private libvirtd 9.0 alike:
    /// vol-create of a LUKS qcow2 and a raw LUKS volume, vol-dumpxml's `<encryption>` before and after a pool
    /// refresh, `qemu-img info` of the images, the errors of bad encryption descriptions and secrets, the domain
    /// XML of encrypted disks (in `<source>` and under `<disk>`) and starting a guest whose secret has no value.
    /// Then swiftvirtd alone boots a guest with both encrypted disks and the guest's kernel sees their sizes,
    /// while the passphrase was never on QEMU's command line and its key files are gone; a third encrypted disk
    /// is plugged in (its key a secret object given over the monitor) and out again.
    @Suite(.serialized) struct EncryptedVolumes {
        static let volumeSecret = "5a1e0c2d-3b4f-4a6e-8d7c-9e0f1a2b3c01"
        static let emptySecret = "5a1e0c2d-3b4f-4a6e-8d7c-9e0f1a2b3c02"
        static let cephSecret = "5a1e0c2d-3b4f-4a6e-8d7c-9e0f1a2b3c03"
        static let passphrase = "swiftvirt-luks-passphrase-7f3e"

        /// A file in `dir` holding `text`; its path.
        static func file(_ dir: URL, _ name: String, _ text: String) throws -> String {
            try writeScratchFile(dir, name, text)
        }

        static func volumeXML(_ name: String, format: String, mib: Int, secret: String) -> String {
            """
            <volume><name>\(name)</name><capacity unit='MiB'>\(mib)</capacity>
            <target><format type='\(format)'/><encryption format='luks'>
            <secret type='passphrase' uuid='\(secret)'/></encryption></target></volume>
            """
        }

        /// Secrets (one for the qcow2 volume, whose usage is its path; one without a value; a Ceph one) and a
        /// started dir pool at `target`.
        static func prepare(_ side: Virsh, _ dir: URL, pool: String, target: String) async throws {
            let secrets = [
                (volumeSecret, "<usage type='volume'><volume>\(target)/enc.qcow2</volume></usage>"),
                (emptySecret, "<usage type='volume'><volume>/nowhere/empty.img</volume></usage>"),
                (cephSecret, "<usage type='ceph'><name>enc-test-ceph</name></usage>"),
            ]
            let value = try file(dir, "passphrase.txt", passphrase)
            for (uuid, usage) in secrets {
                let xml = try file(dir, "secret-\(uuid).xml", "<secret ephemeral='no' private='yes'><uuid>\(uuid)</uuid>\(usage)</secret>")
                try await side.must("secret-define", xml)
                if uuid != emptySecret { try await side.must("secret-set-value", uuid, "--file", value, "--plain") }
            }
            try await side.must("pool-define-as", pool, "dir", "--target", target)
            try await side.must("pool-build", pool)
            try await side.must("pool-start", pool)
        }

        /// vol-create, tried again when qemu-img could not time its key derivation on this host's coarse CPU
        /// clock ("Unable to get accurate CPU usage": libvirtd does not retry, swiftvirtd does).
        static func createVolume(_ side: Virsh, pool: String, _ xml: String, from source: String? = nil) async throws {
            var last: CommandResult?
            let command = source.map { ["vol-create-from", pool, xml, $0, "--inputpool", pool] } ?? ["vol-create", pool, xml]
            // Under load (a CI machine building) four tries in a row have failed: eight, a moment apart.
            for _ in 0..<8 {
                let r = try await run(TestEnvironment.virsh, side.baseArguments + command, scratch: side.scratch)
                if r.succeeded { return }
                last = r
                guard r.stderr.contains("Unable to get accurate CPU usage") else { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            throw HarnessError("vol-create failed: \(String(describing: last))")
        }

        /// The `<encryption>` element of a document, as its lines.
        static func encryption(_ xml: String) -> [String] {
            let lines = xml.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let start = lines.firstIndex(where: { $0.hasPrefix("<encryption") }),
                let end = lines[start...].firstIndex(of: "</encryption>")
            else { return [] }
            return Array(lines[start...end])
        }

        /// The last error line of a failed virsh call, with the scratch paths and SwiftVirt's location suffix
        /// (` (<element>, line N)`) taken out.
        static func errorLine(_ r: CommandResult, paths: [String]) -> String {
            var line = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
            for p in paths { line = line.replacingOccurrences(of: p, with: "DIR") }
            if let range = line.range(of: #" \(<[^>]*>(, line \d+)?\)$"#, options: .regularExpression) {
                line.removeSubrange(range)
            }
            return "rc=\(r.status) \(line)"
        }

        /// `qemu-img info` lines that do not depend on the run (no uuid, iteration counts or disk usage).
        static func imageFacts(_ path: String, _ dir: URL) async throws -> [String] {
            let r = try await run("/usr/bin/qemu-img", ["info", "-U", path], scratch: dir)
            guard r.succeeded else { throw HarnessError("qemu-img info failed: \(r)") }
            return r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { line in
                ["file format", "virtual size", "encrypted", "cipher alg", "cipher mode", "hash alg", "ivgen alg",
                 "format:", "compat"].contains { line.hasPrefix($0) }
            }
        }

        /// A guest definition with the qcow2 volume as vdb (encryption inside `<source>`) and the raw LUKS
        /// volume as vdc (encryption under `<disk>`, the older placement), both keyed by `secret`.
        static func guestXML(_ base: String, name: String, target: String, secret: String) -> String {
            let enc = "<encryption format='luks'><secret type='passphrase' uuid='\(secret)'/></encryption>"
            let disks = """
                <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
                <source file='\(target)/enc.qcow2'>\(enc)</source><target dev='vdb' bus='virtio'/></disk>
                <disk type='file' device='disk'><driver name='qemu' type='raw'/>\
                <source file='\(target)/enc.raw'/><target dev='vdc' bus='virtio'/>\(enc)</disk>
                """
            var xml = base.replacingOccurrences(of: "</devices>", with: disks + "</devices>")
            if let r = xml.range(of: #"<name>[^<]*</name>"#, options: .regularExpression) {
                xml.replaceSubrange(r, with: "<name>\(name)</name>")
            }
            return xml
        }

        /// One daemon's transcript of the volume and definition steps.
        static func exercise(_ side: Virsh, _ dir: URL, target: String, guestBase: String) async throws
            -> [String: [String]]
        {
            let pool = "enc-\(UUID().uuidString.prefix(6).lowercased())"
            try await prepare(side, dir, pool: pool, target: target)
            var out: [String: [String]] = [:]
            try await createVolume(side, pool: pool, try file(dir, "q.xml", volumeXML("enc.qcow2", format: "qcow2", mib: 48, secret: volumeSecret)))
            try await createVolume(side, pool: pool, try file(dir, "r.xml", volumeXML("enc.raw", format: "raw", mib: 40, secret: volumeSecret)))
            for vol in ["enc.qcow2", "enc.raw"] {
                let xml = try await side.must("vol-dumpxml", "--pool", pool, vol)
                out["dumpxml \(vol)"] = encryption(xml)
                out["format \(vol)"] = xml.split(separator: "\n").filter { $0.contains("<format") || $0.contains("<capacity") }.map(String.init)
                out["qemu-img \(vol)"] = try await imageFacts("\(target)/\(vol)", dir)
                let mode = try FileManager.default.attributesOfItem(atPath: "\(target)/\(vol)")[.posixPermissions] as? Int
                out["mode \(vol)"] = [String(mode ?? 0, radix: 8)]
            }
            // Resizing opens the image with the key of the secret vol-dumpxml names: the created definition's,
            // then after a refresh only the secret whose usage is the volume's path (none for enc.raw).
            func resize(_ label: String, _ args: String...) async throws {
                let r = try await run(
                    TestEnvironment.virsh, side.baseArguments + ["vol-resize", "--pool", pool] + args, scratch: side.scratch)
                out["resize \(label)"] = [r.succeeded ? "rc=0" : errorLine(r, paths: [dir.path, target])]
            }
            try await resize("raw before refresh", "enc.raw", "44M")
            try await side.must("pool-refresh", pool)
            for vol in ["enc.qcow2", "enc.raw"] {
                out["refreshed \(vol)"] = encryption(try await side.must("vol-dumpxml", "--pool", pool, vol))
            }
            try await resize("qcow2 after refresh", "enc.qcow2", "56M")
            try await resize("raw after refresh", "enc.raw", "48M")
            try await resize("qcow2 allocate", "enc.qcow2", "60M", "--allocate")
            for vol in ["enc.qcow2", "enc.raw"] {
                out["resized \(vol)"] = try await imageFacts("\(target)/\(vol)", dir).filter { $0.hasPrefix("virtual size") }
            }
            // Copies out of and into encrypted volumes: libvirt's create-then-convert with both keys.
            let plain = try file(dir, "plain.xml", "<volume><name>plain.qcow2</name><capacity unit='MiB'>8</capacity><target><format type='qcow2'/></target></volume>")
            try await createVolume(side, pool: pool, plain, from: "enc.qcow2")
            try await createVolume(side, pool: pool, try file(dir, "enc2.xml", volumeXML("enc2.raw", format: "raw", mib: 8, secret: volumeSecret)), from: "plain.qcow2")
            for vol in ["plain.qcow2", "enc2.raw"] { out["copy \(vol)"] = try await imageFacts("\(target)/\(vol)", dir) }
            out["copy dumpxml enc2.raw"] = encryption(try await side.must("vol-dumpxml", "--pool", pool, "enc2.raw"))
            let plain2 = try file(dir, "plain2.xml", "<volume><name>plain2.qcow2</name><capacity unit='MiB'>8</capacity><target><format type='qcow2'/></target></volume>")
            out["copy from raw without secret"] = [
                errorLine(try await side("vol-create-from", pool, plain2, "enc.raw", "--inputpool", pool), paths: [dir.path, target])
            ]
            // Without the rule line, whose length follows the paths'.
            out["vol-list"] = try await side.must("vol-list", pool).split(separator: "\n").filter { !$0.hasPrefix("-") }
                .map { $0.replacingOccurrences(of: target, with: "DIR") }

            let bad: [(String, String)] = [
                ("missing secret", volumeXML("e1.qcow2", format: "qcow2", mib: 1, secret: "5a1e0c2d-3b4f-4a6e-8d7c-9e0f1a2b3cff")),
                ("no value", volumeXML("e2.qcow2", format: "qcow2", mib: 1, secret: emptySecret)),
                ("ceph secret", volumeXML("e3.qcow2", format: "qcow2", mib: 1, secret: cephSecret)),
                ("vmdk", volumeXML("e4.vmdk", format: "vmdk", mib: 1, secret: volumeSecret)),
                ("no secret", "<volume><name>e5</name><capacity>1048576</capacity><target><format type='qcow2'/><encryption format='luks'/></target></volume>"),
                ("no format", "<volume><name>e6</name><capacity>1048576</capacity><target><format type='qcow2'/><encryption/></target></volume>"),
                ("usage", "<volume><name>e7</name><capacity>1048576</capacity><target><format type='qcow2'/><encryption format='luks'><secret type='passphrase' usage='/no/such/usage'/></encryption></target></volume>"),
                ("secret type", "<volume><name>e8</name><capacity>1048576</capacity><target><format type='qcow2'/><encryption format='luks'><secret type='key' uuid='\(volumeSecret)'/></encryption></target></volume>"),
                ("uuid or usage", "<volume><name>e9</name><capacity>1048576</capacity><target><format type='qcow2'/><encryption format='luks'><secret type='passphrase'/></encryption></target></volume>"),
            ]
            for (label, xml) in bad {
                let r = try await side("vol-create", pool, try file(dir, "bad.xml", xml))
                out["error \(label)"] = [errorLine(r, paths: [dir.path, target])]
            }

            // Domain definitions: encryption placement, the QEMU driver's default engine, and its checks.
            let guest = try file(dir, "encguest.xml", guestXML(guestBase, name: "encguest", target: target, secret: emptySecret))
            try await side.must("define", guest)
            let dumped = try await side.must("dumpxml", "encguest", "--inactive")
            out["domain disks"] = dumped.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.hasPrefix("<source file") || $0.hasPrefix("</source") || $0.hasPrefix("<encryption") || $0.hasPrefix("<secret") || $0.hasPrefix("</encryption") || $0.hasPrefix("<target dev='vd") }
                .map { $0.replacingOccurrences(of: target, with: "DIR") }
            out["start without value"] = [errorLine(try await side("start", "encguest"), paths: [dir.path, target])]
            _ = try await side("undefine", "encguest")
            for format in ["qcow", "luks2"] {
                let xml = guestXML(guestBase, name: "encbad", target: target, secret: volumeSecret)
                    .replacingOccurrences(of: "format='luks'>", with: "format='\(format)'>")
                out["define \(format)"] = [errorLine(try await side("define", try file(dir, "encbad.xml", xml)), paths: [dir.path])]
            }
            let both = guestXML(guestBase, name: "encbad", target: target, secret: volumeSecret)
                .replacingOccurrences(of: "<target dev='vdc'", with: "</source><target dev='vdc'")
                .replacingOccurrences(of: "<source file='\(target)/enc.raw'/>", with: "<source file='\(target)/enc.raw'><encryption format='luks'/>")
            out["define twice"] = [errorLine(try await side("define", try file(dir, "encbad.xml", both)), paths: [dir.path])]

            for vol in ["enc.qcow2", "enc.raw", "plain.qcow2", "enc2.raw"] { try await side.must("vol-delete", "--pool", pool, vol) }
            try await side.must("pool-destroy", pool)
            try await side.must("pool-undefine", pool)
            for uuid in [volumeSecret, emptySecret, cephSecret] { try await side.must("secret-undefine", uuid) }
            return out
        }

        @Test func volumesAndDefinitionsAsLibvirtd() async throws {
            try await DaemonHarness.with(arguments: ["--no-default-network"]) { daemon in
                try await LibvirtdHarness.with { lvd in
                    let base = try String(contentsOfFile: try TestGuest(daemon, name: "encbase").xmlPath, encoding: .utf8)
                    let mine = try await Self.exercise(
                        Virsh(daemon), daemon.scratch, target: daemon.root.path + "/encpool", guestBase: base)
                    let real = try await Self.exercise(
                        Virsh(uri: lvd.uri, scratch: lvd.scratch), lvd.scratch, target: lvd.root.path + "/encpool",
                        guestBase: base)
                    #expect(mine.keys.sorted() == real.keys.sorted())
                    for key in real.keys.sorted() {
                        #expect(mine[key] == real[key], "\(key)\nswiftvirtd: \(mine[key] ?? [])\nlibvirtd:   \(real[key] ?? [])")
                    }
                    // What the transcripts hold, so equality means something.
                    #expect(real["dumpxml enc.qcow2"]?.contains("<secret type='passphrase' uuid='\(Self.volumeSecret)'/>") == true)
                    #expect(real["refreshed enc.raw"] == ["<encryption format='luks'>", "</encryption>"])
                    #expect(real["qemu-img enc.raw"]?.contains("file format: luks") == true, "\(real)")
                    #expect(real["qemu-img enc.qcow2"]?.contains("format: luks") == true, "\(real)")
                    #expect(real["start without value"]?.first?.contains("does not have a value") == true, "\(real)")
                    #expect(real["resized enc.qcow2"] == ["virtual size: 56 MiB (58720256 bytes)"], "\(real)")
                    #expect(real["copy plain.qcow2"]?.contains("virtual size: 56 MiB (58720256 bytes)") == true, "\(real)")
                    #expect(real["copy plain.qcow2"]?.contains("encrypted: yes") == false, "\(real)")
                    #expect(real["copy enc2.raw"]?.contains("file format: luks") == true, "\(real)")
                    #expect(real["resized enc.raw"] == ["virtual size: 44 MiB (46137344 bytes)"], "\(real)")
                    #expect(real["resize raw after refresh"]?.first?.contains("no secret provided for luks encryption") == true)
                }
            }
        }

        @Test func guestSeesEncryptedDisks() async throws {
            try await DaemonHarness.with(arguments: ["--no-default-network"]) { daemon in
                let virsh = Virsh(daemon)
                let dir = daemon.scratch
                let target = daemon.root.path + "/encpool"
                try await Self.prepare(virsh, dir, pool: "encpool", target: target)
                try await Self.createVolume(virsh, pool: "encpool", try Self.file(dir, "q.xml", Self.volumeXML("enc.qcow2", format: "qcow2", mib: 48, secret: Self.volumeSecret)))
                try await Self.createVolume(virsh, pool: "encpool", try Self.file(dir, "r.xml", Self.volumeXML("enc.raw", format: "raw", mib: 40, secret: Self.volumeSecret)))
                let guest = try TestGuest(daemon)
                let xml = Self.guestXML(
                    try String(contentsOfFile: guest.xmlPath, encoding: .utf8), name: guest.name, target: target,
                    secret: Self.volumeSecret)
                try xml.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                // The passphrase never shows on a command line, and QEMU's key files are gone once it runs.
                let ps = try await run("/bin/ps", ["-eo", "args"], scratch: dir)
                #expect(!ps.stdout.contains(Self.passphrase))
                #expect(ps.stdout.contains("encrypt.key-secret=libvirt-2-format-encryption-secret0"), "\(ps.stdout)")
                let leftovers = try await run("/bin/sh", ["-c", "ls \(daemon.runDir)/qemu/*/ | grep -c key || true"], scratch: dir)
                #expect(leftovers.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(leftovers)")
                try await guest.waitForBanner()
                // The guest's kernel names them vda and vdb (its only virtio disks), with the volumes' sizes.
                let log = readFile(guest.serialLog)
                #expect(log.contains("98304 512-byte logical blocks (50.3 MB/48.0 MiB)"), "\(log.suffix(3000))")
                #expect(log.contains("81920 512-byte logical blocks (41.9 MB/40.0 MiB)"), "\(log.suffix(3000))")
                let blocks = try await virsh.must("domblklist", guest.name)
                #expect(blocks.contains("\(target)/enc.qcow2") && blocks.contains("\(target)/enc.raw"), "\(blocks)")

                // Hotplug: the key goes to QEMU as a secret object over the monitor, and leaves with the disk.
                func secretObjects() async throws -> Int {
                    let list = try await virsh.must(
                        "qemu-monitor-command", guest.name, #"{"execute":"qom-list","arguments":{"path":"/objects"}}"#)
                    return list.components(separatedBy: "-format-encryption-secret0").count - 1
                }
                #expect(try await secretObjects() == 2)
                try await Self.createVolume(virsh, pool: "encpool", try Self.file(dir, "h.xml", Self.volumeXML("hot.qcow2", format: "qcow2", mib: 24, secret: Self.volumeSecret)))
                let hot = try Self.file(
                    dir, "hot-disk.xml",
                    "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='\(target)/hot.qcow2'>"
                        + "<encryption format='luks'><secret type='passphrase' uuid='\(Self.volumeSecret)'/></encryption>"
                        + "</source><target dev='vdd' bus='virtio'/></disk>")
                try await virsh.must("attach-device", guest.name, hot, "--live")
                try await waitUntil("the guest to see the hotplugged encrypted disk", timeout: .seconds(60)) {
                    readFile(guest.serialLog).contains("49152 512-byte logical blocks (25.2 MB/24.0 MiB)")
                }
                #expect(try await secretObjects() == 3)
                try await virsh.must("detach-device", guest.name, hot, "--live")
                try await waitUntil("the hotplugged disk to leave", timeout: .seconds(60)) {
                    !(try await virsh.must("domblklist", guest.name)).contains("hot.qcow2")
                }
                #expect(try await secretObjects() == 2)
                try await virsh.must("destroy", guest.name)
            }
        }
    }
}
