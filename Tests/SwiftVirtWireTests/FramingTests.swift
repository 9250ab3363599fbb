import Testing

@testable import SwiftVirtWire

@Suite("Packet framing and the streaming packet decoder")
struct FramingTests {
    /// CONNECT_OPEN("qemu:///system", 0) as virsh sends it with serial 2.
    static let openPacket = Packet(
        header: PacketHeader(
            program: WireProgram.remote.rawValue, version: 1, procedure: RemoteProcedure.connectOpen.rawValue,
            type: .call, serial: 2, status: .ok),
        payload: ConnectOpenArgs(name: "qemu:///system", flags: 0).xdrBytes())

    static let openBytes = hex(
        """
        00000038 20008086 00000001 00000001 00000000 00000002 00000000
        00000001 0000000E 71656D75 3A2F2F2F 73797374 656D0000 00000000
        """)

    static let pingBytes = hex("0000001C 6B656570 00000001 00000001 00000002 00000000 00000000")

    @Test func encodesHeaderAndLengthWord() {
        #expect(Self.openPacket.encoded() == Self.openBytes)
        let ping = Packet(
            header: PacketHeader(
                program: WireProgram.keepalive.rawValue, version: 1, procedure: KeepaliveProcedure.ping.rawValue,
                type: .message, serial: 0, status: .ok),
            payload: [])
        #expect(ping.encoded() == Self.pingBytes)
    }

    @Test func streamPayloadIsNotPadded() throws {
        let data = Packet(
            header: PacketHeader(
                program: 0x2000_8086, version: 1, procedure: 201, type: .stream, serial: 9, status: .continue),
            payload: [0x41, 0x42, 0x43])
        let bytes = data.encoded()
        #expect(bytes.count == 31)
        #expect(Array(bytes.prefix(4)) == hex("0000001F"))
        var decoder = PacketDecoder()
        decoder.append(bytes)
        #expect(try decoder.next() == data)
    }

    @Test func decodesByteByByte() throws {
        var decoder = PacketDecoder()
        for (i, byte) in Self.openBytes.enumerated() {
            decoder.append([byte])
            let packet = try decoder.next()
            if i < Self.openBytes.count - 1 {
                #expect(packet == nil)
                #expect(decoder.bufferedByteCount == i + 1)
            } else {
                #expect(packet == Self.openPacket)
            }
        }
        #expect(decoder.bufferedByteCount == 0)
        #expect(try decoder.next() == nil)
    }

    @Test func decodesCoalescedPackets() throws {
        var decoder = PacketDecoder()
        decoder.append(Self.openBytes + Self.pingBytes + Self.openBytes)
        #expect(try decoder.next() == Self.openPacket)
        #expect(try decoder.next()?.header.program == WireProgram.keepalive.rawValue)
        #expect(try decoder.next() == Self.openPacket)
        #expect(try decoder.next() == nil)
    }

    @Test func decodesPacketsSplitAcrossReads() throws {
        var decoder = PacketDecoder()
        let all = Self.pingBytes + Self.openBytes
        decoder.append(all[0..<10])
        #expect(try decoder.next() == nil)
        decoder.append(all[10..<40])
        #expect(try decoder.next()?.header.procedure == 1)
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == 12)
        decoder.append(all[40...])
        #expect(try decoder.next() == Self.openPacket)
    }

    @Test func truncatedPayloadWaitsForMoreBytes() throws {
        var decoder = PacketDecoder()
        decoder.append(Self.openBytes.dropLast(4))
        #expect(try decoder.next() == nil)
        #expect(decoder.bufferedByteCount == Self.openBytes.count - 4)
    }

    @Test func rejectsLengthBelowHeader() {
        for length: UInt32 in [0, 4, 27] {
            var decoder = PacketDecoder()
            decoder.append(encoded { $0.encode(length) })
            #expect(throws: FramingError.lengthTooSmall(length)) { try decoder.next() }
        }
    }

    @Test func rejectsLengthAboveMaximum() throws {
        var decoder = PacketDecoder()
        decoder.append(hex("02000005"))  // 32 MiB + 5: one byte more than libvirt accepts
        #expect(throws: FramingError.lengthTooLarge(0x0200_0005)) { try decoder.next() }

        var atLimit = PacketDecoder()
        atLimit.append(hex("02000004"))  // 32 MiB of packet after the length word is allowed
        #expect(try atLimit.next() == nil)

        var small = PacketDecoder(maxPacketLength: 100)
        small.append(hex("00000069"))
        #expect(throws: FramingError.lengthTooLarge(105)) { try small.next() }
        var decoder2 = PacketDecoder()
        decoder2.append(hex("FFFFFFFF"))
        #expect(throws: FramingError.lengthTooLarge(0xFFFF_FFFF)) { try decoder2.next() }
    }

    @Test func rejectsUnknownTypeAndStatus() {
        var badType = PacketDecoder()
        badType.append(hex("0000001C 20008086 00000001 00000001 00000007 00000000 00000000"))
        #expect(throws: FramingError.invalidType(7)) { try badType.next() }

        var badStatus = PacketDecoder()
        badStatus.append(hex("0000001C 20008086 00000001 00000001 00000000 00000000 00000003"))
        #expect(throws: FramingError.invalidStatus(3)) { try badStatus.next() }
    }

    /// A CALL_WITH_FDS packet (type 4) with two descriptors comes out only once the two one-byte carriers that
    /// follow it are in too (a reader keeping descriptors has them by then), even when they arrive one by one;
    /// they are not the start of the next packet.
    @Test func holdsACallWithFDsUntilItsDescriptorCarriersArrive() throws {
        var decoder = PacketDecoder()
        decoder.append(hex("00000020 20008086 00000001 000000F9 00000004 00000007 00000000 00000002"))
        #expect(try decoder.next() == nil)
        decoder.append([0])
        #expect(try decoder.next() == nil)
        decoder.append([0])
        decoder.append(hex("0000001C 20008086 00000001 00000001 00000000 00000008 00000000"))
        let call = try #require(try decoder.next())
        #expect(call.header.type == .callWithFDs)
        #expect(call.payload == [0, 0, 0, 2])
        let next = try #require(try decoder.next())
        #expect(next.header.serial == 8 && next.header.type == .call)

        var tooMany = PacketDecoder()
        tooMany.append(hex("00000020 20008086 00000001 000000F9 00000004 00000007 00000000 00000021"))
        #expect(throws: FramingError.tooManyDescriptors(33)) { try tooMany.next() }
    }
}
