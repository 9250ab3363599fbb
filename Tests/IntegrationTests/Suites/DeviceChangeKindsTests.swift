import Foundation
import Testing

/// Live attach and detach of SCSI controllers, a SCSI disk on a guest without a SCSI controller (the daemon
/// plugs libvirt's default one in first), inputs, an RNG, a watchdog and a USB redirector: the same virsh commands on the same
/// booted demo guest on swiftvirtd and on a private libvirtd 9.0 give the same exit status, output, errors,
/// live XML of those devices and DEVICE_ADDED / DEVICE_REMOVED events; on swiftvirtd the guest's kernel
/// enumerates each new PCI function. (The host has no USB devices, so `<hostdev type='usb'>` is not tried.)
extension Integration.DeviceChanges {
    /// Device XML files of the scenario, by name.
    static let kindFiles: [String: String] = [
        "usbctl": "<controller type='usb' index='1' model='qemu-xhci'/>",
        "vscsi1": "<controller type='scsi' index='1' model='virtio-scsi'/>",
        "vscsi": "<controller type='scsi' model='virtio-scsi'/>",
        "scsi0": "<controller type='scsi' index='0'/>",
        "scsi2": "<controller type='scsi' index='2'/>",
        "scsi7": "<controller type='scsi' index='7'/>",
        "usb0": "<controller type='usb' index='0'/>",
        "vtablet": "<input type='tablet' bus='virtio'/>",
        "utablet": "<input type='tablet' bus='usb'/>",
        "ps2mouse": "<input type='mouse' bus='ps2'/>",
        "rng": "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>",
        "rngbad": "<rng model='virtio'><backend model='random'>/dev/nonexistent-rng</backend></rng>",
        "ib700": "<watchdog model='ib700' action='reset'/>",
        "esb": "<watchdog model='i6300esb' action='poweroff'/>",
        "esbpause": "<watchdog model='i6300esb' action='pause'/>",
        "redir": "<redirdev bus='usb' type='tcp'><source mode='bind' host='127.0.0.1' service='45871'/></redirdev>",
        "redir2": "<redirdev bus='usb' type='tcp'><source mode='bind' host='127.0.0.1' service='45872'/></redirdev>",
        "esbat6": """
            <watchdog model='i6300esb' action='poweroff'>
              <address type='pci' domain='0x0000' bus='0x00' slot='0x06' function='0x0'/>
            </watchdog>
            """,
    ]

    /// QEMU's user-created objects (an RNG's backend is one).
    static let qomObjects = #"{"execute":"qom-list","arguments":{"path":"/objects"}}"#

    /// The kinds' part of the live definition.
    static let kindsXPath =
        "//devices/*[self::controller[@type='scsi'] or self::input or self::rng or self::watchdog or self::disk or self::redirdev]"

    enum KindStep {
        /// attach-device or detach-device --live of one of `kindFiles`; the same --persistent (live and config).
        case attach(String), detach(String), attachBoth(String), detachBoth(String)
        /// attach-disk or detach-disk with these arguments after the domain's name.
        case disk(String, [String])
        /// The live and the persistent XML of the kinds (`kindsXPath`).
        case xml, inactiveXML
        /// Checks, not in the transcript: the guest enumerated one of these PCI vendor:device after the step
        /// before (swiftvirtd only, when that step succeeded); the live definition lost this text (the guest let
        /// go); QEMU has every device of the kinds the live definition has, and an RNG's backend (swiftvirtd only).
        case sees([String]), gone(String), inQEMU
    }

    static func kindSteps(image: String) -> [KindStep] {
        [
            // Controllers: only SCSI ones, and a SCSI disk brings libvirt's default model when none is there.
            .attach("usbctl"), .disk("attach-disk", [image, "sda", "--targetbus", "scsi", "--live"]), .sees(["1000:0012"]),
            .attach("vscsi1"), .sees(["1af4:1004", "1af4:1048"]), .attach("vscsi1"), .attach("vscsi"), .xml,
            .detach("scsi0"), .detach("usb0"), .detach("scsi7"), .disk("detach-disk", ["sda", "--live"]),
            .gone("<target dev='sda'"), .detach("scsi2"), .gone("<alias name='scsi2'/>"), .detach("scsi0"),
            .gone("<alias name='scsi0'/>"),
            // Inputs, an RNG, a watchdog, a USB redirector (QEMU listening for a usbredir peer).
            .attach("vtablet"), .sees(["1af4:1052"]), .attach("utablet"), .attach("ps2mouse"), .attach("rngbad"), .attach("rng"),
            .sees(["1af4:1005", "1af4:1044"]), .attach("ib700"), .attach("esb"), .sees(["8086:25ab"]), .attach("esb"), .attach("redir"),
            .xml,
            .inQEMU,
            // libvirt finds the watchdog to detach only by model, action and address.
            .detach("esbpause"), .detach("esb"), .detach("esbat6"), .gone("<watchdog"),
            .detach("ps2mouse"), .detach("utablet"), .gone("<input type='tablet' bus='usb'"), .detach("rng"), .gone("<rng"), .detach("rng"),
            .detach("vtablet"), .gone("<input type='tablet' bus='virtio'"), .detach("redir2"), .detach("redir"), .gone("<redirdev"), .xml,
            // Live and persistent at once (the controller takes index 0 in both, the live one being free again).
            .attachBoth("rng"), .attachBoth("vscsi"), .xml, .inactiveXML, .detachBoth("rng"), .detachBoth("scsi0"),
            .gone("<rng"), .gone("<alias name='scsi0'/>"), .xml, .inactiveXML,
        ]
    }

    @Test(arguments: ["pc", "q35"]) func liveDeviceKindsAsLibvirtd(machine: String) async throws {
        let ours = try await DaemonHarness.with(arguments: ["--no-default-network"]) {
            try await Self.kindsScenario(CLIEndpoint($0), machine: machine)
        }
        let theirs = try await LibvirtdHarness.with { try await Self.kindsScenario(CLIEndpoint($0), machine: machine) }
        // What must have worked (the comparison alone would pass if both daemons refused everything).
        var plugged = ["vscsi1.xml --live", "vtablet.xml --live", "utablet.xml --live", "rng.xml --live", "redir.xml --live"]
        plugged += ["rng.xml --persistent", "vscsi.xml --persistent", "scsi0.xml --persistent"]
        if machine == "pc" { plugged += ["sda --targetbus scsi --live", "esb.xml --live", "esbat6.xml --live"] }
        for command in plugged { #expect(ours.contains { $0.contains("\(command) rc=0") }, "\(command) should succeed") }
        #expect(ours.count == theirs.count)
        for (a, b) in zip(ours, theirs) { #expect(a == b, "\n--- swiftvirtd ---\n\(a)\n--- libvirtd ---\n\(b)") }
    }

    /// The scenario on one daemon: its transcript (names and paths normalised), the device events last.
    static func kindsScenario(_ at: CLIEndpoint, machine: String) async throws -> [String] {
        let guest = try at.makeGuest()
        let xml = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
        // A q35 guest gets spare root ports to plug PCI Express devices into (libvirt adds none live).
        let ports = (1..<(machine == "q35" ? 9 : 1)).map { "<controller type='pci' index='\($0)' model='pcie-root-port'/>" }
            .joined()
        try xml.replacingOccurrences(of: "machine='pc'", with: "machine='\(machine)'")
            .replacingOccurrences(of: "</devices>", with: ports + "</devices>").write(
            toFile: guest.xmlPath, atomically: true, encoding: .utf8)
        let name = guest.name
        var files: [String: String] = [:]
        for (key, text) in kindFiles {
            let path = at.scratch.appendingPathComponent("\(key).xml").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files[key] = path
        }
        let image = at.scratch.appendingPathComponent("scsi.img").path
        FileManager.default.createFile(atPath: image, contents: Data(count: 1 << 20))
        let events = try await at.bootWatchingEvents(guest)
        let ours = at.label == "swiftvirtd"
        // libvirt's live XML numbers a disk's source and shows its (empty) backing chain; SwiftVirt's does not.
        func normal(_ text: String) -> String {
            text.replacingOccurrences(of: name, with: "NAME").replacingOccurrences(of: at.scratch.path, with: "SCRATCH")
                .replacingOccurrences(of: "scsi.img\" index=\"1\"", with: "scsi.img\"")
                .replacingOccurrences(of: "\n  <backingStore/>", with: "")
        }
        var lines: [String] = []
        func virsh(_ arguments: String...) async throws { try await record(arguments) }
        func record(_ arguments: [String]) async throws {
            let r = try await run(TestEnvironment.virsh, at.virsh.baseArguments + arguments, scratch: at.scratch)
            lines.append(normal("\(arguments.joined(separator: " ")) rc=\(r.status)\n\(r.stdout)\(r.stderr)"))
        }
        /// The guest's kernel enumerated a PCI function with one of these vendor:device (virtio devices are
        /// modern-only on PCI Express).
        func guestSees(_ ids: [String]) async throws {
            guard ours else { return }
            try await waitUntil("the guest to enumerate \(ids)", timeout: .seconds(30)) {
                let log = readFile(guest.serialLog)
                return ids.contains { log.contains("[\($0)]") }
            }
        }
        /// The live definition no longer has `text` (the guest let go of a PCI device).
        func gone(_ text: String) async throws {
            try await waitUntil("\(text) to leave the live definition of \(name)", timeout: .seconds(60)) {
                !(try await at.virsh.must("dumpxml", name)).contains(text)
            }
        }

        for step in kindSteps(image: image) {
            switch step {
            case .attach(let key): try await virsh("attach-device", name, files[key]!, "--live")
            case .detach(let key): try await virsh("detach-device", name, files[key]!, "--live")
            case .disk(let verb, let arguments): try await record([verb, name] + arguments)
            case .attachBoth(let key): try await virsh("attach-device", name, files[key]!, "--persistent")
            case .detachBoth(let key): try await virsh("detach-device", name, files[key]!, "--persistent")
            case .xml: try await virsh("dumpxml", name, "--xpath", kindsXPath)
            case .inactiveXML: try await virsh("dumpxml", name, "--inactive", "--xpath", kindsXPath)
            case .sees(let ids): if lines.last?.contains(" rc=0\n") == true { try await guestSees(ids) }
            case .gone(let text): try await gone(text)
            case .inQEMU:
                guard ours else { continue }
                let qtree = try await at.virsh.must("qemu-monitor-command", name, "--hmp", "info qtree")
                let live = try await at.virsh.must("dumpxml", name, "--xpath", kindsXPath)
                // Aliases of the plugged devices (not the machine's ps2 inputs, which QEMU names otherwise).
                let ids = live.split(separator: "<alias name=\"").dropFirst().compactMap { $0.split(separator: "\"").first }
                    .filter { !["input0", "input1"].contains($0) }
                #expect(!ids.isEmpty)
                for id in ids { #expect(qtree.contains("id \"\(id)\""), "QEMU should have \(id)") }
                let objects = try await at.virsh.must("qemu-monitor-command", name, qomObjects)
                #expect(objects.contains("objrng0") == ids.contains("rng0"), "the RNG's backend: \(objects)")
                let chardevs = try await at.virsh.must("qemu-monitor-command", name, #"{"execute":"query-chardev"}"#)
                #expect(chardevs.contains("charredir0") == ids.contains("redir0"), "the redirector's chardev: \(chardevs)")
            }
        }
        if ours {
            let objects = try await at.virsh.must("qemu-monitor-command", name, qomObjects)
            #expect(!objects.contains("objrng0"), "the RNG's backend should be gone: \(objects)")
            let chardevs = try await at.virsh.must("qemu-monitor-command", name, #"{"execute":"query-chardev"}"#)
            #expect(!chardevs.contains("charredir0"), "the redirector's chardev should be gone: \(chardevs)")
        }

        return lines + (try await at.finishWatchingEvents(events, guest: name, normal: normal))
    }
}
