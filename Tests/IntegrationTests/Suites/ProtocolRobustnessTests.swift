import Foundation
import Testing

extension Integration {
    /// Bad bytes on one connection cost only that connection; unknown procedures are answered, not fatal.
    @Suite struct ProtocolRobustness {
        static let authList: Int32 = 66
        static let connectOpen: Int32 = 1
        static let getType: Int32 = 3

        /// AUTH_LIST, then CONNECT_OPEN "qemu:///system": the prologue every client sends.
        private func openSession(_ daemon: DaemonHarness) throws -> RawConnection {
            let connection = try RawConnection(path: daemon.socket)
            #expect(try connection.call(Self.authList, serial: 0).status == 0)
            let open = try connection.call(
                Self.connectOpen, serial: 1, payload: XDR.u32(1) + XDR.string("qemu:///system") + XDR.u32(0))
            #expect(open.status == 0, "CONNECT_OPEN failed: \(open.errorMessage ?? "?")")
            return connection
        }

        @Test func unknownProcedureIsAnsweredAndConnectionSurvives() async throws {
            try await DaemonHarness.with { daemon in
                let connection = try openSession(daemon)
                let reply = try connection.call(999, serial: 2)
                #expect(reply.status == 1)
                #expect(reply.procedure == 999 && reply.serial == 2)
                let message = reply.errorMessage ?? ""
                #expect(message.contains("unknown procedure") || message.contains("not supported"), "\(message)")
                #expect(message.contains("999"), "error should name the procedure: \(message)")

                let type = try connection.call(Self.getType, serial: 3)
                #expect(type.status == 0)
                #expect(XDR.readString(type.payload, at: 0) == "QEMU")
            }
        }

        @Test func malformedInputClosesOnlyThatConnection() async throws {
            try await DaemonHarness.with { daemon in
                let bystander = try openSession(daemon)
                let header = { (length: UInt32) in
                    XDR.u32(length) + XDR.u32(RawMessage.remoteProgram) + XDR.u32(1) + XDR.u32(3) + XDR.u32(0)
                        + XDR.u32(7) + XDR.u32(0)
                }
                // A well-framed 4 KiB packet of noise: the length word is right, everything after it is not.
                var seed: UInt32 = 0x5eed
                let noise = (0..<4092).map { _ in
                    seed = seed &* 1_664_525 &+ 1_013_904_223
                    return UInt8(truncatingIfNeeded: seed >> 24)
                }
                let garbage = XDR.u32(4096) + noise
                // Framing errors must close the connection; a well-framed call the daemon cannot decode may instead be
                // refused with an error reply, as libvirtd does.
                let cases: [(String, [UInt8], halfClose: Bool, allowed: Set<RawConnection.Reaction>)] = [
                    ("length below the header size", XDR.u32(8) + [UInt8](repeating: 0, count: 8), false, [.closed]),
                    (
                        "length above the 32 MiB limit", XDR.u32(0x7fff_ffff) + [UInt8](repeating: 0, count: 24), false,
                        [.closed]
                    ),
                    ("truncated packet", header(100) + [1, 2, 3, 4], true, [.closed]),
                    (
                        "unknown program",
                        RawMessage(program: 0x1234_5678, procedure: 1, serial: 5).encoded(), false,
                        [.closed, .refused]
                    ),
                    (
                        "oversize string",
                        RawMessage(procedure: Self.connectOpen, serial: 0, payload: XDR.u32(1) + XDR.u32(0x7fff_fff0))
                            .encoded(), false, [.closed, .refused]
                    ),
                    ("garbage", garbage, false, [.closed, .refused]),
                ]
                for (label, bytes, halfClose, allowed) in cases {
                    let victim = try RawConnection(path: daemon.socket)
                    try victim.send(bytes)
                    if halfClose { victim.shutdownWrite() }
                    let reaction = victim.reaction(timeout: .seconds(10))
                    #expect(allowed.contains(reaction), "\(label): daemon reacted with \(reaction)")
                    // The daemon still serves everyone else.
                    #expect(try bystander.call(Self.getType, serial: 10).status == 0, "\(label)")
                    let list = try await Virsh(daemon)("list", "--all")
                    #expect(list.succeeded, "\(label): \(list)")
                }
            }
        }
    }
}
