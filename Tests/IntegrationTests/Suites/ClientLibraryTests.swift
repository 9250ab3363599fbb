import Foundation
import SwiftVirtClient
import SwiftVirtWire
import Testing

extension Integration {
    /// The async `VirtConnection` library used directly, against swiftvirtd and a real libvirtd 9.0.
    @Suite struct ClientLibrary {
        @Test func overlappingCallsErrorsAndEventsOnSwiftvirtd() async throws {
            try await DaemonHarness.with { try await Self.overlappingCallsErrorsAndEvents(CLIEndpoint($0)) }
        }

        @Test func overlappingCallsErrorsAndEventsOnLibvirtd() async throws {
            try await LibvirtdHarness.with { try await Self.overlappingCallsErrorsAndEvents(CLIEndpoint($0)) }
        }

        static func overlappingCallsErrorsAndEvents(_ at: CLIEndpoint) async throws {
            let guest = try at.makeGuest()
            let conn = try await VirtConnection.connect(to: LibvirtURI(at.uri))
            let events = try await conn.lifecycleEvents()
            let dom = try await conn.defineDomain(xml: readFile(guest.xmlPath))
            #expect(dom.name == guest.name && dom.id == -1)

            // Forty calls in flight at once on one connection, each answered to its own caller.
            let hostname = trimmedText(try await at.virsh.must("hostname"))
            let answers = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<40 {
                    group.addTask {
                        switch i % 4 {
                        case 0: return try await conn.hostname()
                        case 1: return try await conn.lookupDomain(guest.name).name
                        case 2: return String(try await conn.state(dom).state)
                        default: return String(try await conn.listAllDomains().contains { $0.name == guest.name })
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(answers.count == 40)
            #expect(answers.filter { $0 == hostname }.count == 10)
            #expect(answers.filter { $0 == guest.name }.count == 10)
            #expect(answers.filter { $0 == "5" }.count == 10)  // shut off
            #expect(answers.filter { $0 == "true" }.count == 10)

            // A daemon error arrives typed: libvirt's code 42 (no domain), its domain and message.
            do {
                _ = try await conn.lookupDomain("no-such-\(guest.name)")
                Issue.record("lookup of a missing domain succeeded on \(at.label)")
            } catch {
                #expect(error.libvirtError?.code == 42, "\(error)")
                #expect(error.libvirtError?.domain != 0)
                #expect(error.libvirtError?.message.hasPrefix("Domain not found") == true)
            }

            try await conn.undefine(dom)
            var seen: [DomainEvent.Kind] = []
            for await event in events where event.domain.name == guest.name {
                seen.append(event.kind)
                if seen.count == 2 { break }
            }
            #expect(seen == [.lifecycle(.defined, detail: 0), .lifecycle(.undefined, detail: 0)], "\(at.label)")
            await conn.close()
        }

        /// With the daemon pinging every second and giving up after two misses, a client that sends nothing of
        /// its own stays connected only because it answers the PINGs.
        @Test func answersDaemonKeepalive() async throws {
            try await DaemonHarness.with(arguments: ["--keepalive-interval", "1", "--keepalive-count", "2"]) { daemon in
                let conn = try await VirtConnection.connect(to: LibvirtURI(daemon.uri), keepalive: nil)
                // Ask for keepalive as virsh does (the daemon then pings this client).
                #expect(try await conn.supportsFeature(10))
                try await Task.sleep(for: .seconds(6))
                #expect(try await conn.hostname().isEmpty == false)
                await conn.close()
            }
        }

        /// qemu+tcp:// reaches a libvirtd listening on TCP; the CLI agrees with virsh.
        @Test func tcpTransportOnLibvirtd() async throws {
            try await LibvirtdHarness.with(tcp: true) { harness in
                let uri = "qemu+tcp://127.0.0.1:\(harness.tcpPort ?? 0)/system"
                let conn = try await VirtConnection.connect(to: LibvirtURI(uri))
                let name = try await conn.hostname()
                await conn.close()
                let virsh = try await run(TestEnvironment.virsh, ["-c", uri, "hostname"], scratch: harness.scratch)
                #expect(trimmedText(virsh.stdout) == name, "\(virsh)")
                let cli = try await run(TestEnvironment.cliBinary(), ["-c", uri, "hostname"], scratch: harness.scratch)
                #expect(trimmedText(cli.stdout) == name, "\(cli)")
            }
        }
    }
}
