import Foundation
import Testing

extension Integration {
    /// Device families the model keeps whole that the QEMU driver runs: a 9p and a virtiofs filesystem (its
    /// virtiofsd started as libvirt starts it), an ivshmem-plain shared memory region, a DIMM memory module and an
    /// Intel IOMMU on a q35 guest with shared memory. The same definition starts on
    /// swiftvirtd and on a private libvirtd 9.0; the devices QEMU has, their aliases and addresses in the live
    /// XML, and the memory module QEMU reports are the same on both.
    @Suite struct KeptDeviceFamilies {
        static let share = "/tmp/svt-kept-share"

        static func definition(name: String, scratch: URL) throws -> String {
            let devices = """
                <filesystem type='mount' accessmode='mapped'><source dir='\(share)'/><target dir='hostshare'/></filesystem>
                <filesystem type='mount'><driver type='virtiofs' queue='1024'/><binary xattr='on'><cache mode='always'/>
                  <lock posix='on' flock='on'/></binary><source dir='\(share)'/><target dir='fastshare'/></filesystem>
                <shmem name='svt-kept-shm'><model type='ivshmem-plain'/><size unit='M'>1</size></shmem>
                <memory model='dimm'><target><size unit='MiB'>128</size><node>0</node></target></memory>
                <memory model='virtio-mem'><target><size unit='MiB'>256</size><node>0</node><block unit='MiB'>2</block>
                  <requested unit='MiB'>128</requested></target></memory>
                <iommu model='intel'><driver caching_mode='on'/></iommu>
                </devices>
                """
            return try TestEnvironment.guestXML(name: name, serialLog: scratch.appendingPathComponent("\(name).log").path)
                .replacingOccurrences(of: "machine='pc'", with: "machine='q35'")
                .replacingOccurrences(
                    of: "<memory unit='MiB'>256</memory>",
                    with: "<maxMemory slots='4' unit='MiB'>2048</maxMemory><memory unit='MiB'>256</memory>")
                .replacingOccurrences(
                    of: "<vcpu>",
                    with: "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking><vcpu>")
                .replacingOccurrences(
                    of: "</features>",
                    with: "</features><cpu><numa><cell id='0' cpus='0' memory='256' unit='MiB'/></numa></cpu>")
                .replacingOccurrences(of: "</devices>", with: devices)
        }

        /// The device elements of the families in `xml`, whole.
        static func elements(_ xml: String, families: [String] = ["filesystem", "shmem", "memory model", "iommu"]) -> [String] {
            families.flatMap { start -> [String] in
                let tag = String(start.split(separator: " ")[0])
                let pattern = "<\(start)[^>]*>.*?</\(tag)>"
                let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
                return regex.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)).map {
                    String(xml[Range($0.range, in: xml)!]).split(separator: "\n")
                        .map { $0.trimmingCharacters(in: .whitespaces) }.joined()
                }
            }
        }

        static func transcript(_ at: CLIEndpoint) async throws -> [String] {
            let name = "keptdevs"
            at.track(name)
            let path = try writeScratchFile(at.scratch, "\(name).xml", try definition(name: name, scratch: at.scratch))
            try await at.virsh.must("define", path)
            try await at.virsh.must("start", name)
            // A virtiofs share plugged into the running guest: its own virtiofsd, libvirt's alias and slot.
            let hot = try writeScratchFile(
                at.scratch, "hotfs.xml",
                "<filesystem type='mount'><driver type='virtiofs'/><source dir='\(share)'/><target dir='hotshare'/></filesystem>")
            try await at.virsh.must("attach-device", name, hot, "--live")
            var lines = elements(try await at.virsh.must("dumpxml", name))
            lines.append(try await peripherals(at, name))
            for module in try await qmpList(at, name, #"{"execute":"query-memory-devices"}"#) {
                let data = module["data"] as? [String: Any] ?? [:]
                lines.append("memory device: \(module["type"] ?? "") id=\(data["id"] ?? "") size=\(data["size"] ?? "") slot=\(data["slot"] ?? "") node=\(data["node"] ?? "")")
            }
            lines.append("shm object while running: \(FileManager.default.fileExists(atPath: "/dev/shm/svt-kept-shm"))")
            // virtiofsd serves the export: its process runs with the options the definition asks for.
            let daemons = try await run("/usr/bin/pgrep", ["-a", "-f", "virtiofsd --fd="], scratch: at.scratch)
            lines.append(contentsOf: daemons.stdout.split(separator: "\n").map {
                "virtiofsd: " + $0.split(separator: " ").dropFirst(2).filter { !$0.hasPrefix("--fd=") }.joined(separator: " ")
            })
            try await at.virsh.must("destroy", name)
            try await at.virsh.must("undefine", name)
            let left = try await run("/usr/bin/pgrep", ["-f", "virtiofsd --fd="], scratch: at.scratch)
            lines.append("virtiofsd left after destroy: \(left.stdout.split(separator: "\n").count)")
            return lines
        }

        /// The `return` list of a QMP command on guest `name`.
        static func qmpList(_ at: CLIEndpoint, _ name: String, _ command: String) async throws -> [[String: Any]] {
            let reply = try await at.virsh.must("qemu-monitor-command", name, command)
            return (try JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any])?["return"] as? [[String: Any]] ?? []
        }

        /// The devices QEMU has for guest `name` (its `/machine/peripheral` ids), as one sorted line.
        static func peripherals(_ at: CLIEndpoint, _ name: String) async throws -> String {
            let list = try await qmpList(at, name, #"{"execute":"qom-list","arguments":{"path":"/machine/peripheral"}}"#)
            return "peripherals: " + list.compactMap { $0["name"] as? String }.sorted().joined(separator: " ")
        }

        /// For each of `devices`, the demo guest with it defined and started on the daemon at `at`: what the
        /// start gave (`describe` of its stderr, or "started" and `running` of the running guest), then gone.
        static func startEach(
            _ at: CLIEndpoint, _ devices: [String], prefix: String, describe: (String) -> String,
            running: (String) async throws -> [String] = { _ in [] }
        ) async throws -> [String] {
            var out: [String] = []
            for (i, device) in devices.enumerated() {
                let name = "\(prefix)\(i)"
                at.track(name)
                let xml = try TestEnvironment.guestXML(name: name, serialLog: at.scratch.appendingPathComponent("\(name).log").path)
                    .replacingOccurrences(of: "</devices>", with: device + "</devices>")
                try await at.virsh.must("define", try writeScratchFile(at.scratch, "\(name).xml", xml))
                let r = try await run(TestEnvironment.virsh, at.virsh.baseArguments + ["start", name], scratch: at.scratch)
                out.append("\(name) " + (r.succeeded ? "started" : "refused: " + describe(r.stderr)))
                if r.succeeded {
                    out += try await running(name)
                    try await at.virsh.must("destroy", name)
                }
                try await at.virsh.must("undefine", name)
            }
            return out
        }

        /// Devices this host cannot give a guest: the start fails as on libvirtd (no USB bus, no VFIO, no
        /// vhost-vsock here), with libvirt's codes and words.
        @Test func hostResourcesMissingRefuseTheStartAsOnLibvirtd() async throws {
            let devices = [
                "<hostdev mode='subsystem' type='usb' managed='yes'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>",
                "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/></source></hostdev>",
                "<vsock model='virtio'><cid auto='yes'/></vsock>",
            ]
            func starts(_ at: CLIEndpoint) async throws -> [String] {
                try await Self.startEach(at, devices, prefix: "hostres") { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
            let ours = try await DaemonHarness.with { try await starts(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await starts(CLIEndpoint($0)) }
            #expect(ours.allSatisfy { $0.contains(" refused: ") }, "\(ours)")
            #expect(ours == theirs, "swiftvirtd:\n\(ours.joined(separator: "\n"))\nlibvirtd:\n\(theirs.joined(separator: "\n"))")
        }

        /// Smartcards: the SPICE client's card (passthrough over spicevmc), an emulated card on the host's NSS
        /// database, one on certificates. Each guest starts (or fails) as on libvirtd, with the same devices and
        /// live `<smartcard>`.
        @Test func smartcardsAsOnLibvirtd() async throws {
            let cards = [
                "<smartcard mode='passthrough' type='spicevmc'/><graphics type='spice' autoport='yes'/>",
                "<smartcard mode='host'/>",
                "<smartcard mode='host-certificates'><certificate>c1</certificate><certificate>c2</certificate><certificate>c3</certificate></smartcard>",
            ]
            func starts(_ at: CLIEndpoint) async throws -> [String] {
                // QEMU's error ends the message; before it, each daemon words the failure and echoes the option in
                // its own syntax (libvirt's JSON), so QEMU's device and reason are compared.
                try await Self.startEach(
                    at, cards, prefix: "card",
                    describe: { ($0.split(separator: "\n").last ?? "").components(separatedBy: ": ").suffix(2).joined(separator: ": ") },
                    running: { name in
                        Self.elements(try await at.virsh.must("dumpxml", name), families: ["smartcard", "controller type='ccid'"])
                            + [try await Self.peripherals(at, name)]
                    })
            }
            let ours = try await DaemonHarness.with { try await starts(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await starts(CLIEndpoint($0)) }
            #expect(ours.first == "card0 started", "\(ours)")
            #expect(ours.contains("card1 refused: ccid-card-emulated: failed to initialize vcard"), "\(ours)")
            #expect(ours == theirs, "swiftvirtd:\n\(ours.joined(separator: "\n"))\nlibvirtd:\n\(theirs.joined(separator: "\n"))")
        }

        @Test func runAsOnLibvirtd() async throws {
            try FileManager.default.createDirectory(atPath: Self.share, withIntermediateDirectories: true)
            defer {
                try? FileManager.default.removeItem(atPath: Self.share)
                try? FileManager.default.removeItem(atPath: "/dev/shm/svt-kept-shm")
            }
            let ours = try await DaemonHarness.with { try await Self.transcript(CLIEndpoint($0)) }
            let theirs = try await LibvirtdHarness.with { try await Self.transcript(CLIEndpoint($0)) }
            #expect(ours.contains { $0.hasPrefix("<filesystem") && $0.contains("<alias name='fs0'/>") }, "\(ours)")
            #expect(ours.contains { $0.hasPrefix("peripherals:") && $0.contains("dimm0") && $0.contains("shmem0") }, "\(ours)")
            #expect(ours.contains("memory device: dimm id=dimm0 size=134217728 slot=0 node=0"), "\(ours)")
            #expect(ours.contains { $0.hasPrefix("peripherals:") && $0.contains("virtiomem0") }, "\(ours)")
            #expect(ours.contains("shm object while running: true"), "\(ours)")
            #expect(ours.contains("virtiofsd: -o source=\(Self.share),cache=always,xattr,flock,posix_lock"), "\(ours)")
            #expect(ours.contains { $0.contains("<target dir='hotshare'/><alias name='fs2'/>") }, "\(ours)")
            #expect(ours.contains("virtiofsd: -o source=\(Self.share)"), "the hot-plugged share's daemon: \(ours)")
            #expect(ours.contains("virtiofsd left after destroy: 0"), "\(ours)")
            #expect(ours == theirs, "swiftvirtd:\n\(ours.joined(separator: "\n"))\nlibvirtd:\n\(theirs.joined(separator: "\n"))")
        }
    }
}
