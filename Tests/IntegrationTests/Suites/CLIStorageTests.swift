import Foundation
import Testing

extension Integration {
    /// The `swiftvirt` pool, vol and net verbs against swiftvirtd and a real libvirtd 9.0, checked against what
    /// Debian's virsh sees on the same daemon.
    @Suite struct CLIStorage {
        @Test func storageVerbsOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.storageVerbs(CLIEndpoint($0)) }
        }

        @Test func storageVerbsOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.storageVerbs(CLIEndpoint($0)) }
        }

        static func sha256(_ path: String, _ at: CLIEndpoint) async throws -> String {
            let result = try await run("/usr/bin/sha256sum", [path], scratch: at.scratch)
            guard result.succeeded, let sum = result.stdout.split(separator: " ").first else {
                throw HarnessError("sha256sum failed: \(result)")
            }
            return String(sum)
        }

        static func json(_ text: String) throws -> Any {
            try JSONSerialization.jsonObject(with: Data(text.utf8))
        }

        static func storageVerbs(_ at: CLIEndpoint) async throws {
            let virsh = at.virsh
            let pool = "clipool-\(UUID().uuidString.prefix(6).lowercased())"
            let dir = at.scratch.appendingPathComponent(pool).path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)

            // Pool lifecycle, with virsh's messages and virsh's view of the result.
            #expect(
                try await at.mustSwiftvirt("pool-define-as", pool, "dir", "--target", dir) == "Pool \(pool) defined\n")
            #expect(tableRows(try await at.mustSwiftvirt("pool-list")).allSatisfy { $0.first != pool })
            #expect(tableRows(try await at.mustSwiftvirt("pool-list", "--all")).contains([pool, "inactive", "no"]))
            #expect(try await at.mustSwiftvirt("pool-start", pool) == "Pool \(pool) started\n")
            let listed = tableRows(try await at.mustSwiftvirt("pool-list"))
            #expect(listed.contains([pool, "active", "no"]), "\(listed)")
            #expect(Set(listed) == Set(tableRows(try await virsh.must("pool-list"))), "pool-list on \(at.label)")
            let details = tableRows(try await at.mustSwiftvirt("pool-list", "--all", "--details"))
            let virshDetails = tableRows(try await virsh.must("pool-list", "--all", "--details"))
            #expect(Set(details.map { $0.prefix(4) }) == Set(virshDetails.map { $0.prefix(4) }), "\(details)")
            let info = labelledFields(try await at.mustSwiftvirt("pool-info", pool))
            let virshInfo = labelledFields(try await virsh.must("pool-info", pool))
            #expect(Set(info.keys) == Set(virshInfo.keys), "pool-info keys on \(at.label)")
            for key in ["Name", "UUID", "State", "Persistent", "Autostart", "Capacity"] {
                #expect(info[key] == virshInfo[key], "pool-info '\(key)' on \(at.label)")
            }
            let poolJSON = try json(try await at.mustSwiftvirt("pool-info", "--json", pool)) as? [String: Any]
            #expect(poolJSON?["state"] as? String == "running")
            #expect(poolJSON?["uuid"] as? String == info["UUID"])

            // Volumes: create, list, info as virsh shows them.
            #expect(
                try await at.mustSwiftvirt("vol-create-as", pool, "disk.raw", "20M", "--format", "raw")
                    == "Vol disk.raw created\n")
            try await at.mustSwiftvirt("vol-create-as", pool, "extra.qcow2", "1G", "--format", "qcow2")
            #expect(
                Set(tableRows(try await at.mustSwiftvirt("vol-list", pool)))
                    == Set(tableRows(try await virsh.must("vol-list", pool))), "vol-list on \(at.label)")
            #expect(
                Set(tableRows(try await at.mustSwiftvirt("vol-list", pool, "--details")))
                    == Set(tableRows(try await virsh.must("vol-list", pool, "--details"))),
                "vol-list --details on \(at.label)")
            let volInfo = labelledFields(try await at.mustSwiftvirt("vol-info", "disk.raw", "--pool", pool))
            #expect(volInfo == labelledFields(try await virsh.must("vol-info", "disk.raw", "--pool", pool)))
            let vols = try json(try await at.mustSwiftvirt("vol-list", pool, "--json")) as? [[String: Any]]
            let byName = Dictionary(
                uniqueKeysWithValues: (vols ?? []).compactMap { v in
                    (v["name"] as? String).map { ($0, v) }
                })
            #expect(byName.keys.sorted() == ["disk.raw", "extra.qcow2"], "\(vols ?? [])")
            #expect(byName["disk.raw"]?["capacity"] as? Int == 20 * 1024 * 1024)
            #expect(byName["extra.qcow2"]?["capacity"] as? Int == 1024 * 1024 * 1024)
            #expect(byName["disk.raw"]?["path"] as? String == dir + "/disk.raw")
            #expect(byName["disk.raw"]?["type"] as? String == "file")

            // Upload 20 MiB of random bytes, download them back (ours and virsh's), same checksum.
            let source = at.scratch.appendingPathComponent("\(pool)-upload.bin").path
            let made = try await run(
                "/bin/sh", ["-c", "head -c 20971520 /dev/urandom > '\(source)'"], scratch: at.scratch)
            #expect(made.succeeded, "\(made)")
            let upload = try await at.swiftvirt("vol-upload", "disk.raw", source, "--pool", pool)
            #expect(upload.succeeded, "\(upload)")
            // stderr is not a terminal here, so only the plain summary line appears.
            #expect(upload.stderr.hasPrefix("Uploaded 20.00 MiB (20971520 bytes)"), "\(upload.stderr)")
            #expect(!upload.stderr.contains("\r"))
            let back = at.scratch.appendingPathComponent("\(pool)-download.bin").path
            let download = try await at.swiftvirt("vol-download", "disk.raw", back, "--pool", pool)
            #expect(download.succeeded, "\(download)")
            #expect(download.stderr.hasPrefix("Downloaded 20.00 MiB"), "\(download.stderr)")
            let expected = try await sha256(source, at)
            #expect(try await sha256(back, at) == expected, "vol-download on \(at.label)")
            let viaVirsh = at.scratch.appendingPathComponent("\(pool)-virsh.bin").path
            try await virsh.must("vol-download", "disk.raw", viaVirsh, "--pool", pool)
            #expect(try await sha256(viaVirsh, at) == expected, "virsh sees our upload on \(at.label)")

            // Networks: the same list virsh shows (none started by the harness outside namespaces).
            #expect(
                Set(tableRows(try await at.mustSwiftvirt("net-list", "--all")))
                    == Set(tableRows(try await virsh.must("net-list", "--all"))), "net-list on \(at.label)")
            let nets = try json(try await at.mustSwiftvirt("net-list", "--all", "--json")) as? [[String: Any]]
            #expect(nets != nil)
            let missingNet = try await at.swiftvirt("net-info", "no-such-net")
            #expect(missingNet.status == 1 && missingNet.stderr.hasPrefix("error: "), "\(missingNet)")

            // Cleanup through the CLI.
            #expect(
                try await at.mustSwiftvirt("vol-delete", "extra.qcow2", "--pool", pool) == "Vol extra.qcow2 deleted\n")
            try await at.mustSwiftvirt("vol-delete", "disk.raw", "--pool", pool)
            #expect(tableRows(try await virsh.must("vol-list", pool)).isEmpty)
            #expect(try await at.mustSwiftvirt("pool-destroy", pool) == "Pool \(pool) destroyed\n")
            #expect(try await at.mustSwiftvirt("pool-undefine", pool) == "Pool \(pool) has been undefined\n")
            #expect(!(try await virsh.must("pool-list", "--all")).contains(pool))
        }
    }
}
