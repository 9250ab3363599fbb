import Foundation
import Testing

extension Integration {
    /// Server-side keepalive as libvirtd does it, with short settings so the test is quick.
    @Suite struct Keepalive {
        static let keepaliveProgram: UInt32 = 0x6b65_6570

        /// AUTH_LIST, CONNECT_OPEN(NULL, 0), and optionally SUPPORTS_FEATURE(KEEPALIVE).
        func openConnection(_ daemon: DaemonHarness, askKeepalive: Bool) throws -> RawConnection {
            let connection = try RawConnection(path: daemon.socket)
            #expect(try connection.call(66, serial: 0).status == 0)
            #expect(try connection.call(1, serial: 1, payload: XDR.u32(0) + XDR.u32(0)).status == 0)
            if askKeepalive {
                let reply = try connection.call(60, serial: 2, payload: XDR.u32(10))
                #expect(reply.status == 0 && XDR.readU32(reply.payload, at: 0) == 1, "keepalive must be supported")
            }
            return connection
        }

        @Test func silentClientIsPingedThenDropped() async throws {
            try await DaemonHarness.with(arguments: ["--keepalive-interval", "1", "--keepalive-count", "2"]) {
                daemon in
                let connection = try openConnection(daemon, askKeepalive: true)
                // Silence: the daemon pings. Answering keeps the connection.
                let ping = try #require(try connection.receive(timeout: .seconds(5)), "daemon closed instead of pinging")
                #expect(ping.program == Self.keepaliveProgram && ping.procedure == 1 && ping.type == 2)
                try connection.send(RawMessage(program: Self.keepaliveProgram, procedure: 2, type: 2, serial: 0))
                #expect(try connection.call(59, serial: 3).status == 0, "connection must still serve calls")
                // No answers any more: dropped after (count + 1) intervals.
                #expect(connection.reaction(timeout: .seconds(10)) == .closed)
                // The daemon itself is fine.
                let virsh = Virsh(daemon)
                try await virsh.must("list", "--all")
            }
        }

        @Test func clientsThatDidNotAskAreLeftAlone() async throws {
            try await DaemonHarness.with(arguments: ["--keepalive-interval", "1", "--keepalive-count", "1"]) {
                daemon in
                let connection = try openConnection(daemon, askKeepalive: false)
                #expect(connection.reaction(timeout: .seconds(4)) == .silent)
                #expect(try connection.call(59, serial: 3).status == 0)
            }
        }
    }
}
