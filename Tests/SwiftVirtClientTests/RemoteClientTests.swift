import SwiftVirtClient
import SwiftVirtWire
import Testing

/// Bytes from a hex string; spaces are ignored so vectors can be grouped by XDR word.
func hex(_ s: String) -> [UInt8] {
    let digits = Array(s.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16) ?? 0 }
}

/// One big-endian XDR word.
func word(_ v: UInt32) -> [UInt8] {
    [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
}

/// A server packet of the REMOTE program.
func serverPacket(
    procedure: Int32, type: PacketType = .reply, serial: UInt32, status: PacketStatus = .ok, payload: [UInt8] = [],
    program: WireProgram = .remote
) -> [UInt8] {
    Packet(
        header: PacketHeader(
            program: program.rawValue, version: 1, procedure: procedure, type: type, serial: serial, status: status),
        payload: payload
    ).encoded()
}

@Suite("RemoteClient against a scripted unix-socket peer")
struct RemoteClientTests {
    static let t1 = RemoteNonnullDomain(name: "t1", uuid: Array(0x10...0x1F), id: 1)
    static let t1Bytes = hex("00000002 74310000 10111213 14151617 18191A1B 1C1D1E1F 00000001")

    // What the client must send, written out from the framing and XDR rules.
    static let authList = hex("0000001C 20008086 00000001 00000042 00000000 00000000 00000000")
    static let connectOpen = hex(
        """
        00000038 20008086 00000001 00000001 00000000 00000001 00000000
        00000001 0000000E 71656D75 3A2F2F2F 73797374 656D0000 00000000
        """)
    static func lookupByName(_ serial: UInt32) -> [UInt8] {
        hex("00000024 20008086 00000001 00000017 00000000") + word(serial)
            + hex("00000000 00000002 74310000")
    }
    static let getState =
        hex("0000003C 20008086 00000001 000000D4 00000000 00000003 00000000") + t1Bytes
        + hex("00000000")
    static let pong = hex("0000001C 6B656570 00000001 00000002 00000002 00000000 00000000")
    static func connectClose(_ serial: UInt32) -> [UInt8] {
        hex("0000001C 20008086 00000001 00000002 00000000") + word(serial) + hex("00000000")
    }

    static let openSteps: [ScriptedPeer.Step] = [
        .init(
            expectedByteCount: authList.count,
            replies: [serverPacket(procedure: 66, serial: 0, payload: hex("00000001 00000000"))]),
        .init(expectedByteCount: connectOpen.count, replies: [serverPacket(procedure: 1, serial: 1)]),
    ]

    @Test func callSequenceIsEncodedExactly() throws {
        let peer = try ScriptedPeer()
        let ping = serverPacket(procedure: 1, type: .message, serial: 0, program: .keepalive)
        let event = serverPacket(
            procedure: 318, type: .message, serial: 1,
            payload: DomainEventCallbackLifecycleMsg(callbackID: 1, msg: .init(dom: Self.t1, event: 3, detail: 0))
                .xdrBytes())
        peer.start(
            Self.openSteps + [
                .init(expectedByteCount: 36, replies: [serverPacket(procedure: 23, serial: 2, payload: Self.t1Bytes)]),
                // A PING and an event arrive before the reply: the client must answer PONG and skip the event.
                .init(
                    expectedByteCount: Self.getState.count,
                    replies: [ping, event, serverPacket(procedure: 212, serial: 3, payload: hex("00000001 00000001"))]),
                .init(expectedByteCount: 56, replies: [serverPacket(procedure: 2, serial: 4)]),
            ])

        let client = try RemoteClient(socketPath: peer.path, receiveTimeout: 10)
        try client.open()
        let dom = try client.lookupDomain("t1")
        #expect(dom == Self.t1)
        let state = try client.domainState(dom)
        #expect(state == DomainGetStateRet(state: 1, reason: 1))
        client.close()

        #expect(peer.waitUntilFinished())
        #expect(peer.failure == nil)
        #expect(
            peer.received == [
                Self.authList, Self.connectOpen, Self.lookupByName(2), Self.getState, Self.pong + Self.connectClose(4),
            ])
        #expect(peer.trailing.isEmpty)
    }

    @Test func remoteErrorCarriesTheServersMessage() throws {
        let peer = try ScriptedPeer()
        let message = "Domain not found: no domain with matching name 't1'"
        let error = RemoteError(code: 42, domain: 10, message: message, level: 2)
        peer.start(
            Self.openSteps + [
                .init(
                    expectedByteCount: 36,
                    replies: [serverPacket(procedure: 23, serial: 2, status: .error, payload: error.xdrBytes())]),
                .init(expectedByteCount: 28, replies: [serverPacket(procedure: 2, serial: 3)]),
            ])
        let client = try RemoteClient(socketPath: peer.path, receiveTimeout: 10)
        try client.open()
        #expect(throws: ClientError.remote(error)) { try client.lookupDomain("t1") }
        #expect(ClientError.remote(error).description == message)
        client.close()
        #expect(peer.waitUntilFinished())
        #expect(peer.received.last == Self.connectClose(3))
    }

    @Test func numericArgumentTriesIdBeforeName() throws {
        let peer = try ScriptedPeer()
        let noDomain = RemoteError(code: 42, domain: 10, message: "Domain not found: no domain with matching id 5")
        let byID = hex("00000020 20008086 00000001 00000016 00000000 00000002 00000000 00000005")
        let byName = hex("00000024 20008086 00000001 00000017 00000000 00000003 00000000 00000001 35000000")
        peer.start(
            Self.openSteps + [
                .init(
                    expectedByteCount: byID.count,
                    replies: [serverPacket(procedure: 22, serial: 2, status: .error, payload: noDomain.xdrBytes())]),
                .init(
                    expectedByteCount: byName.count,
                    replies: [serverPacket(procedure: 23, serial: 3, payload: Self.t1Bytes)]),
                .init(expectedByteCount: 28, replies: [serverPacket(procedure: 2, serial: 4)]),
            ])
        let client = try RemoteClient(socketPath: peer.path, receiveTimeout: 10)
        try client.open()
        #expect(try client.lookupDomain("5") == Self.t1)
        client.close()
        #expect(peer.waitUntilFinished())
        #expect(Array(peer.received.suffix(3)) == [byID, byName, Self.connectClose(4)])
    }

    @Test func unknownAuthListIsTolerated() throws {
        let peer = try ScriptedPeer()
        let unknown = RemoteError(code: 39, domain: 7, message: "unknown procedure: 66")
        peer.start([
            .init(
                expectedByteCount: Self.authList.count,
                replies: [serverPacket(procedure: 66, serial: 0, status: .error, payload: unknown.xdrBytes())]),
            .init(expectedByteCount: Self.connectOpen.count, replies: [serverPacket(procedure: 1, serial: 1)]),
            .init(expectedByteCount: 28, replies: [serverPacket(procedure: 2, serial: 2)]),
        ])
        let client = try RemoteClient(socketPath: peer.path, receiveTimeout: 10)
        try client.open()
        client.close()
        #expect(peer.waitUntilFinished())
        #expect(peer.received == [Self.authList, Self.connectOpen, Self.connectClose(2)])
    }

    @Test func serverHangingUpIsReported() throws {
        let peer = try ScriptedPeer()
        peer.start([.init(expectedByteCount: Self.authList.count, replies: [], hangUp: true)])
        let client = try RemoteClient(socketPath: peer.path, receiveTimeout: 10)
        #expect(throws: ClientError.connectionClosed) { try client.open() }
        #expect(peer.waitUntilFinished())
    }

    @Test func garbageFromServerIsAFramingError() throws {
        let peer = try ScriptedPeer()
        peer.start([.init(expectedByteCount: Self.authList.count, replies: [hex("00000004 DEADBEEF")])])
        let client = try RemoteClient(socketPath: peer.path, receiveTimeout: 10)
        #expect(throws: ClientError.framing(.lengthTooSmall(4))) { try client.open() }
        client.close()
        #expect(peer.waitUntilFinished())
    }

    @Test func missingSocketIsAConnectError() {
        #expect(throws: ClientError.connectFailed(path: "/tmp/svclient-missing.sock", errno: 2)) {
            try RemoteClient(socketPath: "/tmp/svclient-missing.sock")
        }
    }
}
