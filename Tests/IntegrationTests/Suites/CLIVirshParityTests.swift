import Foundation
import Testing

extension Integration {
    /// pool-define, pool-create, pool-create-as, pool-delete, pool-autostart, pool-uuid, pool-name, vol-create,
    /// vol-path, vol-key, vol-name, vol-pool, find-storage-pool-sources, vcpucount and domxml-to-native: each run
    /// by `swiftvirt` and by Debian's virsh on the same daemon (swiftvirtd, then a private libvirtd 9.0), with the
    /// same exit status and the same stdout.
    ///
    /// Normalised: only virsh's extra blank line after each command's output (swiftvirt prints none; trailing
    /// newlines are trimmed on both sides). Nothing else differs: each verb that changes state runs once per
    /// client on the same object, with virsh undoing the first run in between, and the domain XML handed to
    /// domxml-to-native carries a fixed uuid (without one, both daemons generate a new one per call).
    @Suite struct CLIVirshParity {
        @Test func newVerbsMatchVirshOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.scenario(CLIEndpoint($0)) }
        }

        @Test func newVerbsMatchVirshOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.scenario(CLIEndpoint($0)) }
        }

        /// Runs `args` with swiftvirt, then (after `undo`, by virsh) with virsh; expects the same exit status
        /// and stdout, and (unless `succeeds` is nil, where the daemons differ) that success or failure. Returns swiftvirt's stdout without trailing newlines.
        @discardableResult
        static func same(
            _ at: CLIEndpoint, _ args: [String], undo: [String]? = nil, succeeds: Bool? = true,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> String {
            let ours = try await run(TestEnvironment.cliBinary(), ["-c", at.uri] + args, scratch: at.scratch)
            if let undo { _ = try await run(TestEnvironment.virsh, at.virsh.baseArguments + undo, scratch: at.scratch) }
            let theirs = try await run(TestEnvironment.virsh, at.virsh.baseArguments + args, scratch: at.scratch)
            let label = "\(args.joined(separator: " ")) on \(at.label)"
            #expect(
                ours.status == theirs.status, "\(label)\nours: \(ours)\nvirsh: \(theirs)",
                sourceLocation: sourceLocation)
            #expect(
                succeeds == nil || ours.succeeded == succeeds, "\(label)\nours: \(ours)", sourceLocation: sourceLocation
            )
            let trimmed = { (s: String) in String(s.reversed().drop { $0 == "\n" }.reversed()) }
            #expect(
                trimmed(ours.stdout) == trimmed(theirs.stdout), "\(label)\nours: \(ours)\nvirsh: \(theirs)",
                sourceLocation: sourceLocation)
            return trimmed(ours.stdout)
        }

        static func write(_ text: String, _ name: String, _ at: CLIEndpoint) throws -> String {
            let path = at.scratch.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        static func scenario(_ at: CLIEndpoint) async throws {
            let tag = UUID().uuidString.prefix(6).lowercased()
            let (pool, transient, asPool) = ("par-\(tag)", "part-\(tag)", "para-\(tag)")
            let dir = at.scratch.appendingPathComponent(pool).path
            func poolXML(_ name: String, _ path: String) -> String {
                "<pool type='dir'><name>\(name)</name><target><path>\(path)</path></target></pool>\n"
            }
            let poolFile = try write(poolXML(pool, dir), "\(pool).xml", at)
            defer {
                for name in [pool, transient, asPool] {
                    _ = try? FileManager.default.removeItem(atPath: at.scratch.appendingPathComponent(name).path)
                }
            }

            // A persistent pool: define, autostart, identity.
            try await same(at, ["pool-define", poolFile], undo: ["pool-undefine", pool])
            try await same(at, ["pool-autostart", pool])
            try await same(at, ["pool-autostart", "--disable", pool])
            let uuid = try await same(at, ["pool-uuid", pool])
            #expect(uuid.count == 36, "\(uuid)")
            #expect(try await same(at, ["pool-name", uuid]) == pool)
            try await same(at, ["pool-name", pool], succeeds: false)
            try await same(at, ["pool-uuid", "no-such-pool"], succeeds: false)
            try await at.virsh.must("pool-build", pool)
            try await at.virsh.must("pool-start", pool)

            // Volumes: vol-create from XML and the one-value queries.
            let volFile = try write(
                "<volume><name>v.img</name><capacity>1048576</capacity><target><format type='raw'/></target></volume>",
                "\(pool)-vol.xml", at)
            try await same(at, ["vol-create", pool, volFile], undo: ["vol-delete", "v.img", "--pool", pool])
            let path = try await same(at, ["vol-path", "v.img", "--pool", pool])
            #expect(path == dir + "/v.img")
            #expect(try await same(at, ["vol-key", "v.img", "--pool", pool]) == path)
            #expect(try await same(at, ["vol-name", path]) == "v.img")
            #expect(try await same(at, ["vol-pool", path]) == pool)
            #expect(try await same(at, ["vol-pool", "--uuid", path]) == uuid)
            try await same(at, ["vol-name", "v.img"], succeeds: false)
            try await same(at, ["vol-path", "no-such.img", "--pool", pool], succeeds: false)
            try await at.virsh.must("vol-delete", "v.img", "--pool", pool)

            // pool-delete removes the stopped pool's directory; pool-build puts it back between the runs.
            try await at.virsh.must("pool-destroy", pool)
            try await same(at, ["pool-delete", pool], undo: ["pool-build", pool])
            #expect(!FileManager.default.fileExists(atPath: dir))
            try await at.virsh.must("pool-undefine", pool)

            // Transient pools: pool-create from a file, pool-create-as from arguments.
            let transientDir = at.scratch.appendingPathComponent(transient).path
            let transientFile = try write(poolXML(transient, transientDir), "\(transient).xml", at)
            try await same(at, ["pool-create", transientFile], succeeds: false)  // no directory yet
            try await same(
                at, ["pool-create", "--build", "--overwrite", "--no-overwrite", transientFile], succeeds: false)
            try await same(at, ["pool-create", "--build", transientFile], undo: ["pool-destroy", transient])
            try await at.virsh.must("pool-destroy", transient)
            let asDir = at.scratch.appendingPathComponent(asPool).path
            try await same(at, ["pool-create-as", asPool, "dir", "--target", asDir, "--print-xml"])
            try await same(at, ["pool-create-as", asPool, "dir", "--target", asDir], succeeds: false)
            try await same(
                at, ["pool-create-as", asPool, "dir", "--target", asDir, "--build"], undo: ["pool-destroy", asPool])
            try await at.virsh.must("pool-destroy", asPool)

            // Source discovery: refused for dir pools and unknown types on both daemons.
            try await same(at, ["find-storage-pool-sources", "dir"], succeeds: false)
            try await same(at, ["find-storage-pool-sources", "bogus"], succeeds: false)
            // libvirtd scans LVM here (an empty <sources> when the LVM tools find nothing); swiftvirtd refuses.
            try await same(at, ["find-storage-pool-sources", "logical"], succeeds: nil)
            let spec = try write("<source><dir path='/srv'/></source>", "\(pool)-spec.xml", at)
            try await same(at, ["find-storage-pool-sources", "iscsi", "--srcSpec", spec], succeeds: false)

            // A defined (not started) guest with two vCPUs.
            let guest = try at.makeGuest()
            let domainUUID = UUID().uuidString.lowercased()
            let guestXML = try String(contentsOfFile: guest.xmlPath, encoding: .utf8)
                .replacingOccurrences(of: "<vcpu>1</vcpu>", with: "<vcpu>2</vcpu>")
                .replacingOccurrences(
                    of: "<name>\(guest.name)</name>", with: "<name>\(guest.name)</name>\n  <uuid>\(domainUUID)</uuid>")
            #expect(guestXML.contains("<vcpu>2</vcpu>") && guestXML.contains(domainUUID))
            try guestXML.write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
            try await at.virsh.must("define", guest.xmlPath)
            let table = try await same(at, ["vcpucount", guest.name])
            #expect(table.contains("current      config         2"), "\(table)")
            for options in [
                ["--maximum"], ["--active"], ["--config"], ["--current"], ["--maximum", "--config"],
                ["--active", "--config"], ["--current", "--maximum"], ["--current", "--config"],
            ] {
                #expect(try await same(at, ["vcpucount", guest.name] + options) == "2")
            }
            for options in [
                ["--active", "--maximum"], ["--guest", "--config"], ["--current", "--maximum", "--live", "--config"],
            ] {
                try await same(at, ["vcpucount", guest.name] + options, succeeds: false)
            }
            try await same(at, ["vcpucount", "no-such-domain"], succeeds: false)
            // Live figures of a stopped domain: "domain is not running" from both daemons.
            try await same(at, ["vcpucount", guest.name, "--live"], succeeds: false)

            // Started paused (QEMU runs, the guest does not boot): the live rows appear.
            try await at.virsh.must("start", "--paused", guest.name)
            let liveTable = try await same(at, ["vcpucount", guest.name])
            #expect(liveTable.contains("current      live           2"), "\(liveTable)")
            for options in [["--live"], ["--maximum", "--live"], ["--active", "--live"], ["--current"]] {
                #expect(try await same(at, ["vcpucount", guest.name] + options) == "2")
            }
            try await at.virsh.must("destroy", guest.name)

            // Two vCPUs of which one is online at boot: --maximum and the current count differ.
            try guestXML.replacingOccurrences(of: "<vcpu>2</vcpu>", with: "<vcpu current='1'>2</vcpu>")
                .write(toFile: guest.xmlPath, atomically: true, encoding: .utf8)
            try await at.virsh.must("define", guest.xmlPath)
            #expect(try await same(at, ["vcpucount", guest.name, "--maximum", "--config"]) == "2")
            #expect(try await same(at, ["vcpucount", guest.name, "--active", "--config"]) == "1")
            let splitTable = try await same(at, ["vcpucount", guest.name])
            #expect(splitTable.contains("maximum      config         2"), "\(splitTable)")
            #expect(splitTable.contains("current      config         1"), "\(splitTable)")

            let native = try await same(at, ["domxml-to-native", "qemu-argv", guest.xmlPath])
            #expect(native.contains("qemu-system-x86_64") && native.contains(domainUUID), "\(native)")
            try await same(at, ["domxml-to-native", "qemu-argv", "--xml", guest.xmlPath])
            try await same(at, ["domxml-to-native", "qemu-argv", "--domain", guest.name])
            try await same(at, ["domxml-to-native", "bogus-format", guest.xmlPath], succeeds: false)
            try await same(at, ["domxml-to-native", "qemu-argv"], succeeds: false)
            try await same(at, ["domxml-to-native", "qemu-argv", guest.xmlPath + ".missing"], succeeds: false)
            try await at.virsh.must("undefine", guest.name)
        }
    }
}
