/// RPC program numbers carried in every packet header.
public enum WireProgram: UInt32, Sendable {
    case remote = 0x2000_8086
    case qemu = 0x2000_8087
    case lxc = 0x0006_8000
    case keepalive = 0x6b65_6570
}

/// What a packet is (virNetMessageType).
public enum PacketType: UInt32, Sendable {
    case call = 0
    case reply
    case message
    case stream
    case callWithFDs
    case replyWithFDs
    case streamHole
}

/// Outcome or stream state of a packet (virNetMessageStatus).
public enum PacketStatus: UInt32, Sendable {
    case ok = 0
    case error
    case `continue`
}

/// The six words after the length word.
public struct PacketHeader: Equatable, Sendable {
    /// Bytes of the header on the wire.
    public static let encodedSize = 24

    public var program: UInt32
    public var version: UInt32
    public var procedure: Int32
    public var type: PacketType
    public var serial: UInt32
    public var status: PacketStatus

    public init(
        program: UInt32, version: UInt32, procedure: Int32, type: PacketType, serial: UInt32, status: PacketStatus
    ) {
        self.program = program
        self.version = version
        self.procedure = procedure
        self.type = type
        self.serial = serial
        self.status = status
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(program)
        encoder.encode(version)
        encoder.encode(procedure)
        encoder.encode(type.rawValue)
        encoder.encode(serial)
        encoder.encode(status.rawValue)
    }
}

/// One framed message: header plus the raw XDR payload (for *_WITH_FDS the fd count word leads the payload).
public struct Packet: Equatable, Sendable {
    /// The length word counts itself and the header, so no packet is shorter than this.
    public static let minimumLength = 4 + PacketHeader.encodedSize

    public var header: PacketHeader
    public var payload: [UInt8]
    /// The descriptors a CALL_WITH_FDS brought, in order, once the connection's reader took them (the decoder
    /// only sees bytes); whoever holds the packet owns them.
    public var descriptors: [Int32] = []

    public init(header: PacketHeader, payload: [UInt8]) {
        self.header = header
        self.payload = payload
    }

    /// The packet as sent: length word (including itself), header, payload.
    public func encoded() -> [UInt8] {
        var encoder = XDREncoder()
        encoder.encode(UInt32(truncatingIfNeeded: Packet.minimumLength + payload.count))
        header.encode(to: &encoder)
        // Stream data is raw bytes of any length, so the payload is appended as is, without padding.
        encoder.appendRaw(payload)
        return encoder.bytes
    }
}

/// A byte stream that cannot be a libvirt packet stream. The connection should be dropped.
public enum FramingError: Error, Equatable, Sendable {
    case lengthTooSmall(UInt32)
    case lengthTooLarge(UInt32)
    case invalidType(UInt32)
    case invalidStatus(UInt32)
    case tooManyDescriptors(UInt32)
}

/// Splits a byte stream into packets. Feed it whatever the socket delivered; call `next()` until nil.
public struct PacketDecoder: Sendable {
    /// Largest packet accepted, not counting its length word (libvirt's VIR_NET_MESSAGE_MAX).
    public let maxPacketLength: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// Most descriptors one message may carry (libvirt's VIR_NET_MESSAGE_NUM_FDS_MAX).
    public static let maxDescriptors: UInt32 = 32

    public init(maxPacketLength: Int = 33_554_432) { self.maxPacketLength = maxPacketLength }

    /// Bytes received but not yet returned as packets.
    public var bufferedByteCount: Int { buffer.count - start }

    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        // Drop consumed bytes before growing, so the buffer stays about one packet long.
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete packet, or nil when more bytes are needed. Bad length words and header fields
    /// are reported as soon as their bytes arrive, before the rest of the packet.
    public mutating func next() throws(FramingError) -> Packet? {
        guard bufferedByteCount >= 4 else { return nil }
        let length = word(at: start)
        if length < UInt32(Packet.minimumLength) { throw .lengthTooSmall(length) }
        if Int(length) - 4 > maxPacketLength { throw .lengthTooLarge(length) }
        guard bufferedByteCount >= Packet.minimumLength else { return nil }
        let rawType = word(at: start + 16)
        guard let type = PacketType(rawValue: rawType) else { throw .invalidType(rawType) }
        let rawStatus = word(at: start + 24)
        guard let status = PacketStatus(rawValue: rawStatus) else { throw .invalidStatus(rawStatus) }
        guard bufferedByteCount >= Int(length) else { return nil }
        let header = PacketHeader(
            program: word(at: start + 4), version: word(at: start + 8),
            procedure: Int32(bitPattern: word(at: start + 12)), type: type, serial: word(at: start + 20),
            status: status)
        // After a CALL_WITH_FDS packet each descriptor follows attached to a byte of its own. The packet is
        // returned once those bytes are here too: a reader that keeps descriptors has them all by then.
        var carrierBytes = 0
        if type == .callWithFDs {
            let count = length >= UInt32(Packet.minimumLength + 4) ? word(at: start + Packet.minimumLength) : 0
            if count > Self.maxDescriptors { throw .tooManyDescriptors(count) }
            carrierBytes = Int(count)
            guard bufferedByteCount >= Int(length) + carrierBytes else { return nil }
        }
        let payload = Array(buffer[(start + Packet.minimumLength)..<(start + Int(length))])
        start += Int(length) + carrierBytes
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        return Packet(header: header, payload: payload)
    }

    private func word(at i: Int) -> UInt32 {
        UInt32(buffer[i]) << 24 | UInt32(buffer[i + 1]) << 16 | UInt32(buffer[i + 2]) << 8 | UInt32(buffer[i + 3])
    }
}
