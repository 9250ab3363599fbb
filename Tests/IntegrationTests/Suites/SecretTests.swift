import Foundation
import Testing

extension Integration {
    /// The secret driver: one sequence of virsh secret commands (and python lookups by usage) runs against
    /// swiftvirtd and against a private libvirtd 9.0; the transcripts (each command's exit status, stdout and
    /// stderr, a generated uuid normalised) must be the same, and so must the secret events virsh prints. Then
    /// swiftvirtd alone: the files of a persistent secret are mode 0600 in a 0700 directory, and after a restart
    /// the persistent secrets and their values are back and the ephemeral ones gone.
    @Suite(.serialized) struct Secrets {
        static let volumeUUID = "6e7c6d38-62cb-4f0a-8d2f-6d1b8f3b7a01"
        static let cephUUID = "0b1cd0a4-5b71-4e57-9b7f-1e0f1f3c2d02"
        static let iscsiUUID = "f3a4b5c6-0718-4293-a4b5-c6d7e8f90a03"

        /// The definitions the sequence uses, by file name.
        static let files: [String: String] = [
            "volume.xml": """
                <secret ephemeral='no' private='no'>
                  <uuid>\(volumeUUID)</uuid>
                  <description>disk &amp; "its" key</description>
                  <usage type='volume'>
                    <volume>/var/lib/images/enc.qcow2</volume>
                  </usage>
                </secret>
                """,
            "volume-other-usage.xml": """
                <secret><uuid>\(volumeUUID)</uuid><usage type='volume'><volume>/elsewhere.img</volume></usage></secret>
                """,
            "same-usage.xml": """
                <secret><usage type='volume'><volume>/var/lib/images/enc.qcow2</volume></usage></secret>
                """,
            "ceph.xml": """
                <secret ephemeral='yes' private='yes'><uuid>\(cephUUID)</uuid>\
                <usage type='ceph'><name>client.admin secret</name></usage></secret>
                """,
            "ceph-public.xml": """
                <secret ephemeral='yes' private='no'><uuid>\(cephUUID)</uuid>\
                <usage type='ceph'><name>client.admin secret</name></usage></secret>
                """,
            "iscsi.xml": """
                <secret private='no'><uuid>\(iscsiUUID)</uuid><description>target</description>\
                <usage type='iscsi'><target>libvirtiscsi</target></usage></secret>
                """,
            "tls.xml": "<secret><usage type='tls'><name>tls-for-nbd</name></usage></secret>",
            "bad-usage.xml": "<secret><usage type='disk'><name>x</name></usage></secret>",
            "no-usage-type.xml": "<secret><usage><name>x</name></usage></secret>",
            "no-volume.xml": "<secret><usage type='volume'/></secret>",
            "no-vtpm-name.xml": "<secret><usage type='vtpm'></usage></secret>",
            "bad-ephemeral.xml": "<secret ephemeral='maybe'/>",
            "bad-uuid.xml": "<secret><uuid>not-a-uuid</uuid></secret>",
            "wrong-root.xml": "<secrets/>",
            "outside-schema.xml": "<secret ephemeral='yes'><foo/><usage type='ceph'><name>schema</name></usage></secret>",
        ]

        /// The sequence; `$TLS` is the uuid libvirt generated for tls.xml.
        static let steps: [[String]] = [
            ["secret-define", "volume.xml"],
            ["secret-define", "volume.xml"],
            ["secret-define", "same-usage.xml"],
            ["secret-define", "volume-other-usage.xml"],
            ["secret-define", "ceph.xml"],
            ["secret-define", "ceph-public.xml"],
            ["secret-define", "iscsi.xml"],
            ["secret-define", "tls.xml"],
            ["secret-dumpxml", "$TLS"],
            ["secret-undefine", "$TLS"],
            ["secret-define", "bad-usage.xml"],
            ["secret-define", "no-usage-type.xml"],
            ["secret-define", "no-volume.xml"],
            ["secret-define", "no-vtpm-name.xml"],
            ["secret-define", "bad-ephemeral.xml"],
            ["secret-define", "bad-uuid.xml"],
            ["secret-define", "wrong-root.xml"],
            ["secret-define", "--validate", "wrong-root.xml"],
            ["secret-define", "--validate", "outside-schema.xml"],
            ["secret-define", "--validate", "no-volume.xml"],
            ["secret-list"],
            ["secret-list", "--ephemeral"],
            ["secret-list", "--no-ephemeral"],
            ["secret-list", "--private"],
            ["secret-list", "--no-private"],
            ["secret-dumpxml", volumeUUID],
            ["secret-dumpxml", cephUUID],
            ["secret-get-value", volumeUUID],
            ["secret-set-value", volumeUUID, "--file", "value.txt", "--plain"],
            ["secret-get-value", volumeUUID],
            ["secret-get-value", volumeUUID, "--plain"],
            ["secret-set-value", volumeUUID, "c2Vjb25k"],
            ["secret-get-value", volumeUUID],
            ["secret-set-value", cephUUID, "--file", "value.txt", "--plain"],
            ["secret-get-value", cephUUID],
            ["secret-set-value", iscsiUUID, "--file", "value.txt", "--plain"],
            ["secret-undefine", iscsiUUID],
            ["secret-undefine", iscsiUUID],
            ["secret-dumpxml", iscsiUUID],
            ["secret-get-value", iscsiUUID],
            ["secret-list"],
        ]

        /// Python: lookups by usage (virsh has none) and the counts of the old list calls.
        static let pythonLookups = """
            import libvirt, sys
            c = libvirt.open(sys.argv[1])
            for t, u in ((libvirt.VIR_SECRET_USAGE_TYPE_VOLUME, '/var/lib/images/enc.qcow2'),
                         (libvirt.VIR_SECRET_USAGE_TYPE_CEPH, 'client.admin secret'),
                         (libvirt.VIR_SECRET_USAGE_TYPE_ISCSI, 'libvirtiscsi'),
                         (libvirt.VIR_SECRET_USAGE_TYPE_NONE, '')):
                try:
                    s = c.secretLookupByUsage(t, u)
                    print(s.UUIDString(), s.usageType(), s.usageID())
                except libvirt.libvirtError as e:
                    print('error', e.get_error_code(), e.get_error_domain(), e)
            print(c.numOfSecrets(), sorted(c.listSecrets()))
            """

        /// Runs the sequence on one daemon and returns its transcript.
        static func transcript(_ virsh: Virsh, uri: String, scratch: URL) async throws -> String {
            for (name, text) in files {
                try text.write(to: scratch.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            try "first value".write(to: scratch.appendingPathComponent("value.txt"), atomically: true, encoding: .utf8)
            var out = ""
            var generated = "$TLS"
            for step in steps {
                let args = step.map { arg in
                    arg == "$TLS" ? generated : files[arg] != nil || arg == "value.txt" ? scratch.appendingPathComponent(arg).path : arg
                }
                let r = try await run(TestEnvironment.virsh, virsh.baseArguments + args, scratch: scratch)
                if step == ["secret-define", "tls.xml"], let m = r.stdout.firstMatch(of: /Secret ([0-9a-f-]{36}) created/) {
                    generated = String(m.1)
                }
                out += "$ virsh \(step.joined(separator: " "))\n[\(r.status)]\n\(r.stdout)\(r.stderr)\n"
            }
            let py = try await run(TestEnvironment.python, ["-c", pythonLookups, uri], scratch: scratch)
            out += "$ python lookups\n[\(py.status)]\n\(py.stdout)\(py.stderr)\n"
            return out.replacingOccurrences(of: generated, with: "GENERATED")
                .replacingOccurrences(of: scratch.path, with: "SCRATCH")
        }

        /// virsh secret-event for `event` while a secret is defined, given a value and undefined.
        static func events(_ virsh: Virsh, scratch: URL) async throws -> String {
            let listeners = try ["lifecycle", "value-changed"].map {
                try ChildProcess(
                    TestEnvironment.virsh, virsh.baseArguments + ["secret-event", "--event", $0, "--loop", "--timeout", "8"],
                    scratch: scratch)
            }
            try await Task.sleep(for: .seconds(3))  // both listeners registered
            let file = scratch.appendingPathComponent("iscsi.xml").path
            for args in [["secret-define", file], ["secret-set-value", iscsiUUID, "Zm9v"], ["secret-undefine", iscsiUUID]] {
                _ = try await run(TestEnvironment.virsh, virsh.baseArguments + args, scratch: scratch)
            }
            var out = ""
            for l in listeners {
                let r = try await l.wait(timeout: .seconds(20))
                out += "[\(r.status)]\n\(r.stdout)\(r.stderr)"
            }
            return out
        }

        @Test func sameAsLibvirtdThenRestartAndModes() async throws {
            let (volumeUUID, cephUUID, iscsiUUID) = (Self.volumeUUID, Self.cephUUID, Self.iscsiUUID)
            let theirs = try await LibvirtdHarness.with { lvd in
                let virsh = Virsh(uri: lvd.uri, scratch: lvd.scratch)
                return (
                    try await Self.transcript(virsh, uri: lvd.uri, scratch: lvd.scratch),
                    try await Self.events(virsh, scratch: lvd.scratch)
                )
            }
            try await DaemonHarness.with(arguments: ["--no-default-network"]) { daemon in
                let virsh = Virsh(daemon)
                let ours = try await Self.transcript(virsh, uri: daemon.uri, scratch: daemon.scratch)
                #expect(ours == theirs.0, "\(Self.diff(ours, theirs.0))")
                for expected in [
                    "error: Invalid secret: secret is private",
                    "error: internal error: a secret with UUID \(volumeUUID) already defined for use with /var/lib/images/enc.qcow2",
                    "error: internal error: cannot change private flag on existing secret",
                    "\(cephUUID) 2 client.admin secret", "Zmlyc3QgdmFsdWU=",
                ] {
                    #expect(ours.contains(expected), "\(expected) missing from\n\(ours)")
                }
                let ourEvents = try await Self.events(virsh, scratch: daemon.scratch)
                #expect(ourEvents == theirs.1)
                #expect(ourEvents.contains("event 'value-changed' for secret \(iscsiUUID)"), "\(ourEvents)")

                // The persistent secret's files: 0600 in a 0700 directory; the ephemeral one has none.
                let dir = daemon.stateDir + "/secrets"
                func mode(_ path: String) throws -> Int {
                    (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
                }
                #expect(try mode(dir) == 0o700)
                #expect(try mode("\(dir)/\(volumeUUID).xml") == 0o600)
                #expect(try mode("\(dir)/\(volumeUUID).base64") == 0o600)
                #expect(readFile("\(dir)/\(volumeUUID).base64") == "c2Vjb25k")
                #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(cephUUID).xml"))
                #expect(!FileManager.default.fileExists(atPath: "\(dir)/\(cephUUID).base64"))

                let dumped = try await virsh.must("secret-dumpxml", volumeUUID)
                try await daemon.killDaemon()
                try await daemon.start()
                let list = try await virsh.must("secret-list")
                #expect(list.contains(volumeUUID) && !list.contains(cephUUID), "\(list)")
                #expect(try await virsh.must("secret-dumpxml", volumeUUID) == dumped)
                #expect(trimmedText(try await virsh.must("secret-get-value", volumeUUID, "--plain")) == "second")
                try await virsh.must("secret-undefine", volumeUUID)
                #expect((try FileManager.default.contentsOfDirectory(atPath: dir)).isEmpty)
            }
        }

        /// The first lines where two transcripts part.
        static func diff(_ a: String, _ b: String) -> String {
            let (x, y) = (a.split(separator: "\n", omittingEmptySubsequences: false), b.split(separator: "\n", omittingEmptySubsequences: false))
            for i in 0..<max(x.count, y.count) where (i < x.count ? x[i] : "<end>") != (i < y.count ? y[i] : "<end>") {
                return "line \(i + 1)\nours:   \(i < x.count ? x[i] : "<end>")\ntheirs: \(i < y.count ? y[i] : "<end>")\n\n--- ours ---\n\(a)\n--- theirs ---\n\(b)"
            }
            return ""
        }
    }
}
