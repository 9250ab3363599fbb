import Foundation
import Testing

extension Integration {
    /// `swiftvirt event|pool-event|net-event --timestamp` print the same line as `virsh ... --timestamp` for the
    /// same event, behind a timestamp of virsh's shape (UTC, milliseconds).
    @Suite struct CLIEventTimestamp {
        @Test func timestampsMatchVirshOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.timestamps(CLIEndpoint($0), networks: true) }
        }

        /// Networks are left out on libvirtd: its network driver runs in the test's own network namespace here.
        @Test func timestampsMatchVirshOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.timestamps(CLIEndpoint($0), networks: false) }
        }

        /// Splits the first event line into virsh's timestamp shape ("2026-11-28 07:41:12.345+0000") and the rest of the first event line, or nil when the line lacks it.
        static func splitTimestamp(_ output: String) -> (stamp: String, event: String)? {
            guard let line = output.split(separator: "\n").first(where: { $0.contains(": event '") }),
                let match = line.firstMatch(of: /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+0000): (event '.*)$/)
            else { return nil }
            return (String(match.1), String(match.2))
        }

        /// Starts `arguments` under both swiftvirt and virsh, runs `trigger`, and compares their first event lines:
        /// both must carry a timestamp of virsh's shape, and the same event text after it.
        static func compare(_ at: CLIEndpoint, _ arguments: [String], trigger: () async throws -> Void) async throws {
            let watch = arguments + ["--timestamp", "--timeout", "60"]
            let ours = try ChildProcess(try TestEnvironment.cliBinary(), ["-c", at.uri] + watch, scratch: at.scratch)
            let theirs = try ChildProcess(TestEnvironment.virsh, ["-c", at.uri] + watch, scratch: at.scratch)
            try await Task.sleep(for: .seconds(2))  // both registered before anything happens
            try await trigger()
            let ourOutput = try await ours.wait(timeout: .seconds(70))
            let virshOutput = try await theirs.wait(timeout: .seconds(70))
            let mine = splitTimestamp(ourOutput.stdout)
            let virsh = splitTimestamp(virshOutput.stdout)
            #expect(mine != nil, "\(ourOutput)")
            #expect(virsh != nil, "\(virshOutput)")
            #expect(mine?.event == virsh?.event, "\(arguments) on \(at.label)")
            #expect(ourOutput.stdout.hasSuffix("events received: 1\n"), "\(ourOutput)")
        }

        static func timestamps(_ at: CLIEndpoint, networks: Bool) async throws {
            let guest = try at.makeGuest()
            try await compare(at, ["event", "--event", "lifecycle"]) {
                try await at.virsh.must("define", guest.xmlPath)
            }
            try await at.virsh.must("undefine", guest.name)

            let pool = "tspool-\(UUID().uuidString.prefix(6).lowercased())"
            try await compare(at, ["pool-event", "--event", "lifecycle"]) {
                try await at.virsh.must("pool-define-as", pool, "dir", "--target", at.scratch.path + "/" + pool)
            }
            try await at.virsh.must("pool-undefine", pool)

            guard networks else { return }
            let net = "tsnet-\(UUID().uuidString.prefix(6).lowercased())"
            let xmlPath = at.scratch.appendingPathComponent("\(net).xml").path
            try "<network><name>\(net)</name></network>".write(toFile: xmlPath, atomically: true, encoding: .utf8)
            try await compare(at, ["net-event", "--event", "lifecycle"]) {
                try await at.virsh.must("net-define", xmlPath)
            }
            try await at.virsh.must("net-undefine", net)
        }
    }
}
