import Foundation
import Testing

extension Integration {
    /// Live and config changes with Debian's virsh on one booted guest (a balloon, a VGA screen, one vCPU of
    /// two online): setmem/setmaxmem, metadata with its event, send-key, screenshot, setvcpus (hotplug), and
    /// the refusals compared with a private libvirtd 9.0.
    @Suite struct LiveChanges {
        static let uri = "http://swiftvirt.test/live"

        /// The guest's XML: the demo guest with two vCPUs (one online), a balloon, a VGA card and, as a disk, the
        /// guest kernel's virtio_balloon module (its initramfs has none) so that the guest can load it.
        static func guestXML(_ guest: TestGuest, moduleDisk: String?, cpuset: String?) -> String {
            let disk =
                moduleDisk.map {
                    "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='\($0)'/>"
                        + "<target dev='vda' bus='virtio'/></disk>"
                } ?? ""
            return readFile(guest.xmlPath)
                .replacingOccurrences(
                    of: "<vcpu>1</vcpu>", with: "<vcpu \(cpuset.map { "cpuset='\($0)' " } ?? "")current='1'>2</vcpu>")
                .replacingOccurrences(
                    of: "</devices>",
                    with: disk + "<video><model type='vga'/></video><memballoon model='virtio'/></devices>")
        }

        /// virtio_balloon.ko from the guest kernel's package, padded to whole sectors; nil without the package.
        static func balloonModuleDisk(_ scratch: URL) async throws -> (path: String, size: Int)? {
            let dir = URL(fileURLWithPath: try TestEnvironment.guestImage().kernel).deletingLastPathComponent()
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            guard let deb = entries.first(where: { $0.hasPrefix("linux-image-") && $0.hasSuffix(".deb") }) else {
                return nil
            }
            let out = scratch.appendingPathComponent("balloon.img").path
            let script =
                "dpkg-deb --fsys-tarfile '\(dir.path)/\(deb)' | tar -xO --wildcards '*/virtio_balloon.ko' > '\(out)'"
            let result = try await run("/bin/sh", ["-c", script], scratch: scratch)
            guard result.succeeded, let data = FileManager.default.contents(atPath: out), !data.isEmpty else {
                return nil
            }
            let padded = data + Data(count: (512 - data.count % 512) % 512)
            try padded.write(to: URL(fileURLWithPath: out))
            return (out, data.count)
        }

        @Test func liveChangesOnOneGuest() async throws {
            try await DaemonHarness.with { daemon in
                let virsh = Virsh(daemon)
                let guest = try TestGuest(daemon)
                let module = try await Self.balloonModuleDisk(daemon.scratch)
                // vCPUs pinned to the last host CPU, so that a hot-plugged one is seen pinned as well.
                let lastCPU = ProcessInfo.processInfo.activeProcessorCount - 1
                try Self.guestXML(guest, moduleDisk: module?.path, cpuset: lastCPU > 0 ? "\(lastCPU)" : nil).write(
                    toFile: guest.xmlPath, atomically: true, encoding: .utf8)
                try await virsh.must("define", guest.xmlPath)
                try await virsh.must("start", guest.name)
                try await guest.waitForBanner()
                let shell = try await GuestShell.open(daemon, guest.name)
                defer { shell.close() }

                try await Self.memory(virsh, guest.name, shell, module: module)
                try await Self.metadata(daemon, virsh, guest.name)
                try await Self.keysAndScreenshot(daemon, virsh, guest.name, shell)
                try await Self.vcpus(virsh, guest.name, shell)
                if lastCPU > 0 {
                    let pid = readFile(daemon.runDir + "/qemu/\(guest.name).pid").trimmed
                    let threads = DomainTuning.affinity(pid)
                    #expect(threads["CPU 1/TCG"] == "\(lastCPU)", "\(threads)")
                }

                // What was changed survives a daemon restart: live from the status, config from the definition.
                shell.close()
                try await daemon.killDaemon()
                try await daemon.start()
                #expect(try await virsh.must("metadata", guest.name, Self.uri).trimmed == "<note level=\"3\">hello</note>")
                #expect(try await virsh.must("desc", guest.name, "--title").hasPrefix("Live title"))
                #expect(try await virsh.must("desc", guest.name, "--config").hasPrefix("Config description"))
                #expect(try await virsh.dominfo(guest.name)["CPU(s)"] == "2")
                try await virsh.must("destroy", guest.name)
                #expect(try await virsh.dominfo(guest.name)["Used memory"] == "225280 KiB")
                #expect(try await virsh.must("vcpucount", guest.name, "--config", "--maximum").trimmed == "3")
            }
        }

        /// `virsh event --loop` for one event of one domain, on a terminal (so nothing waits in a pipe buffer).
        static func events(_ virsh: Virsh, _ name: String, _ event: String) throws -> ChildProcess {
            try ChildProcess(
                TestEnvironment.python,
                [
                    TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", virsh.uri, "event",
                    "--domain", name, "--event", event, "--loop", "--timeout", "120",
                ],
                scratch: virsh.scratch)
        }

        /// setmem moves the balloon (the guest gives the memory back), setmaxmem changes only the config.
        static func memory(_ virsh: Virsh, _ name: String, _ shell: GuestShell, module: (path: String, size: Int)?)
            async throws
        {
            #expect(try await virsh.dominfo(name)["Used memory"] == "262144 KiB")
            if let module {
                _ = try await shell.run("head -c \(module.size) /dev/vda > /tmp/b.ko; insmod /tmp/b.ko")
            }
            let before = try await shell.memTotal()
            let events = try Self.events(virsh, name, "balloon-change")
            defer { events.signal(SIGTERM) }
            try await Task.sleep(for: .seconds(2))  // virsh registers its callback meanwhile
            try await virsh.must("setmem", name, "200M")
            #expect(try await virsh.must("dumpxml", "--inactive", name).contains("<currentMemory unit='KiB'>262144<"))
            if module != nil {
                try await waitUntil("the balloon to reach 200 MiB", timeout: .seconds(30)) {
                    try await virsh.dominfo(name)["Used memory"] == "204800 KiB"
                }
                let after = try await shell.memTotal()
                #expect(after <= before - 50_000, "MemTotal \(before) kB -> \(after) kB")
                // QEMU's BALLOON_CHANGE reaches clients and the live XML.
                try await events.waitForOutput("event 'balloon-change' for domain '\(name)': 204800KiB", timeout: .seconds(20))
                #expect(
                    try await virsh.must("dumpxml", name).contains("<currentMemory unit='KiB'>204800</currentMemory>"))
            }
            try await virsh.must("setmem", name, "220M", "--config")
            #expect(try await virsh.must("dumpxml", "--inactive", name).contains("<currentMemory unit='KiB'>225280<"))

            let tooMuch = try await virsh("setmem", name, "400M")
            #expect(tooMuch.stderr.contains("invalid argument: cannot set memory higher than max memory"), "\(tooMuch)")
            let liveMax = try await virsh("setmaxmem", name, "300M")
            #expect(
                liveMax.stderr.contains("Requested operation is not valid: cannot resize the maximum memory on an active domain"),
                "\(liveMax)")
            try await virsh.must("setmaxmem", name, "300M", "--config")
            let inactive = try await virsh.must("dumpxml", "--inactive", name)
            #expect(inactive.contains("<memory unit='KiB'>307200</memory>"), "\(inactive)")
            #expect(try await virsh.dominfo(name)["Max memory"] == "262144 KiB")
        }

        /// Title, description and an element of our own, live and config, each change announced by an event.
        static func metadata(_ daemon: DaemonHarness, _ virsh: Virsh, _ name: String) async throws {
            let events = try Self.events(virsh, name, "metadata-change")
            defer { events.signal(SIGTERM) }
            // virsh prints nothing once registered: change the title until the event shows it listens.
            try await waitUntil("a metadata-change event", timeout: .seconds(30)) {
                try await virsh.must("desc", name, "--live", "--title", "Live title")
                try await Task.sleep(for: .milliseconds(300))
                return events.stdout.contains("event 'metadata-change' for domain '\(name)': type title, uri <null>")
            }
            #expect(try await virsh.must("desc", name, "--title").hasPrefix("Live title"))
            #expect(try await virsh.must("desc", name, "--title", "--config").hasPrefix("SwiftVirt demo guest"))
            try await virsh.must("desc", name, "--config", "Config description")
            #expect(try await virsh.must("desc", name, "--config").hasPrefix("Config description"))
            let none = try await virsh("desc", name, "--live")
            #expect(none.stdout.contains("No description for domain: \(name)"), "\(none)")

            try await virsh.must(
                "metadata", name, uri, "--key", "sv", "--set", "<note level='3'>hello</note>", "--live", "--config")
            try await events.waitForOutput(
                "event 'metadata-change' for domain '\(name)': type element, uri \(uri)", timeout: .seconds(20))
            #expect(try await virsh.must("metadata", name, uri).trimmed == "<note level=\"3\">hello</note>")
            #expect(try await virsh.must("metadata", name, uri, "--config").trimmed == "<note level=\"3\">hello</note>")
            #expect(
                try await virsh.must("dumpxml", name).contains(
                    "<sv:note xmlns:sv=\"\(uri)\" level=\"3\">hello</sv:note>"))
            let missing = try await virsh("metadata", name, "http://swiftvirt.test/none")
            #expect(missing.stderr.contains("Requested metadata element is not present"), "\(missing)")
        }

        /// Keys reach the guest's keyboard controller; a screenshot of its VGA screen is a whole image.
        static func keysAndScreenshot(_ daemon: DaemonHarness, _ virsh: Virsh, _ name: String, _ shell: GuestShell)
            async throws
        {
            let before = try await shell.keyboardInterrupts()
            try await virsh.must("send-key", name, "KEY_A")
            try await virsh.must("send-key", name, "--codeset", "xt", "30", "--holdtime", "50")
            try await virsh.must("send-key", name, "--codeset", "usb", "4")
            let after = try await shell.keyboardInterrupts()
            // Each key is a press and a release, each at least one interrupt.
            #expect(after >= before + 6, "i8042 interrupts \(before) -> \(after)")
            let bad = try await virsh("send-key", name, "--codeset", "usb", "1")
            #expect(bad.stderr.contains("cannot translate keycode 1 of usb codeset to qnum keycode"), "\(bad)")

            let file = daemon.scratch.appendingPathComponent("screen.img").path
            let saved = try await virsh.must("screenshot", name, file)
            #expect(saved.contains("Screenshot saved to \(file), with type of image/png"), "\(saved)")
            let image = try #require(FileManager.default.contents(atPath: file))
            #expect(image.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            // IHDR: width and height, big-endian, after the signature and the chunk's length and type.
            let size = image.subdata(in: 16..<24).map { $0 }
            let width = size[0..<4].reduce(0) { $0 << 8 | Int($1) }
            let height = size[4..<8].reduce(0) { $0 << 8 | Int($1) }
            #expect(width >= 640 && height >= 400, "\(width)x\(height)")
        }

        /// setvcpus: a vCPU plugged into the running guest (and taken out again), the maximum and the count at
        /// next boot in the config.
        static func vcpus(_ virsh: Virsh, _ name: String, _ shell: GuestShell) async throws {
            try await virsh.must("setvcpus", name, "2", "--live")
            #expect(try await virsh.must("vcpucount", name, "--live", "--active").trimmed == "2")
            let cpus = try await virsh.must("qemu-monitor-command", name, #"{"execute":"query-cpus-fast"}"#)
            #expect(cpus.components(separatedBy: "\"cpu-index\"").count - 1 == 2, "\(cpus)")
            let live = try await virsh.must("dumpxml", name)
            #expect(live.contains(">2</vcpu>") && !live.contains("current='1'"), "\(live)")
            try await waitUntil("the guest to see cpu1", timeout: .seconds(20)) {
                try await shell.run("ls -d /sys/devices/system/cpu/cpu1").contains("/sys/devices/system/cpu/cpu1")
            }
            let over = try await virsh("setvcpus", name, "3", "--live")
            #expect(
                over.stderr.contains("requested vcpus is greater than max allowable vcpus for the live domain: 3 > 2"),
                "\(over)")
            let liveMax = try await virsh("setvcpus", name, "3", "--maximum", "--live", "--config")
            #expect(liveMax.stderr.contains("maximum vcpu count of a live domain can't be modified"), "\(liveMax)")

            try await virsh.must("setvcpus", name, "3", "--maximum", "--config")
            try await virsh.must("setvcpus", name, "2", "--config")
            let inactive = try await virsh.must("dumpxml", "--inactive", name)
            #expect(inactive.contains("current='2'>3</vcpu>"), "\(inactive)")
            #expect(try await virsh.must("vcpucount", name, "--config", "--active").trimmed == "2")
            #expect(try await virsh.must("vcpucount", name, "--live", "--maximum").trimmed == "2")
        }
    }
}

/// A shell on the guest's serial console (`virsh console` on a pseudo-terminal).
final class GuestShell {
    private let console: ChildProcess
    private var counter = 100

    private init(_ console: ChildProcess) { self.console = console }

    /// `virsh console NAME` on a pseudo-terminal, once attached.
    static func console(_ daemon: DaemonHarness, _ name: String) async throws -> ChildProcess {
        let console = try ChildProcess(
            TestEnvironment.python,
            [TestEnvironment.pythonScript("pty_run.py"), TestEnvironment.virsh, "-c", daemon.uri, "console", name],
            scratch: daemon.scratch)
        try await console.waitForOutput("Escape character is", timeout: .seconds(20))
        return console
    }

    static func open(_ daemon: DaemonHarness, _ name: String) async throws -> GuestShell {
        let shell = GuestShell(try await console(daemon, name))
        _ = try await shell.run("true")
        return shell
    }

    /// Runs `command` and returns what it printed: the text between two markers the shell computes (so the
    /// echo of the typed line never matches them).
    func run(_ command: String, timeout: Duration = .seconds(30)) async throws -> String {
        counter += 1
        let n = counter
        console.write("echo B$((\(n)*1))B; \(command); echo E$((\(n)*1))E\r")
        try await console.waitForOutput("E\(n)E", timeout: timeout)
        let text = console.stdout
        guard let start = text.range(of: "B\(n)B"), let end = text.range(of: "E\(n)E", range: start.upperBound..<text.endIndex)
        else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }

    /// MemTotal of the guest's /proc/meminfo, kB.
    func memTotal() async throws -> Int {
        let out = try await run("grep MemTotal /proc/meminfo")
        let digits = out.split(whereSeparator: { !$0.isNumber }).first.map(String.init) ?? ""
        return Int(digits) ?? 0
    }

    /// Interrupts of the guest's i8042 keyboard controller (IRQ 1) so far.
    func keyboardInterrupts() async throws -> Int {
        let out = try await run("grep '^ *1:' /proc/interrupts")
        let fields = out.split(whereSeparator: \.isWhitespace)
        return fields.dropFirst().prefix { $0.allSatisfy(\.isNumber) }.compactMap { Int($0) }.reduce(0, +)
    }

    func close() {
        if console.isRunning { console.signal(SIGTERM) }
    }
}

extension String {
    /// Without surrounding whitespace (virsh ends its output with a blank line).
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
