import FoundationEssentials
import Glibc
import Logging
import NIOCore
import NIOPosix
import SwiftVirtSystem

/// An asynchronous QMP event (`{"event": ..., "data": ..., "timestamp": ...}`).
public struct QMPEvent: Sendable, Equatable {
    public var name: String
    public var data: [String: JSONValue]
    /// Seconds since the epoch, as QEMU stamped it.
    public var timestamp: Double?

    public init(name: String, data: [String: JSONValue] = [:], timestamp: Double? = nil) {
        self.name = name
        self.data = data
        self.timestamp = timestamp
    }

    /// For SHUTDOWN: true when the guest asked for it (ACPI poweroff, triple fault...), false for host requests.
    public var isGuestInitiated: Bool? { data["guest"]?.boolValue }
    /// For SHUTDOWN/RESET: QEMU's ShutdownCause, e.g. "guest-shutdown", "host-qmp-quit", "guest-reset".
    public var reason: String? { data["reason"]?.stringValue }
}

/// Client for one QEMU monitor socket. Commands carry ids and may overlap; replies are matched by id.
/// When the connection ends every pending command fails with `QMPError.disconnected` and `events` finishes.
public actor QMPClient {
    public let path: String
    /// Events in the order QEMU sent them. Meant for a single consumer.
    public nonisolated let events: AsyncStream<QMPEvent>
    private let eventContinuation: AsyncStream<QMPEvent>.Continuation
    private let channel: any Channel
    /// The channel's descriptor, for commands that carry a descriptor (owned by the channel).
    private let socket: CInt
    private let logger: Logger
    private var pending: [Int: (command: String, wholeReply: Bool, continuation: CheckedContinuation<JSONValue, any Error>)] =
        [:]
    private var greetingWaiter: CheckedContinuation<JSONValue, any Error>?
    private var nextID = 1
    private var closedReason: QMPError?
    /// The `QMP` object of the greeting (QEMU version and capabilities).
    public private(set) var greeting: JSONValue = .null

    public var isConnected: Bool { closedReason == nil }

    /// Connects, reads the greeting and negotiates capabilities. Throws if any of it does not happen in `timeout`.
    public static func connect(
        path: String, timeout: Duration = .seconds(10), logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> QMPClient {
        let channel: any Channel
        let socket: CInt
        let inbound: AsyncStream<QMPInbound>
        do {
            (channel, socket, inbound) = try await QMPTransport.connectWithSocket(path: path, group: group)
        } catch {
            throw QMPError.connectFailed(path: path, reason: "\(error)")
        }
        let client = QMPClient(path: path, channel: channel, socket: socket, logger: logger)
        await client.startReading(inbound)
        do {
            try await client.awaitGreeting(timeout: timeout)
            _ = try await client.execute("qmp_capabilities", timeout: timeout)
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    private init(path: String, channel: any Channel, socket: CInt, logger: Logger) {
        self.path = path
        self.channel = channel
        self.socket = socket
        var logger = logger
        logger[metadataKey: "qmp"] = "\(path)"
        self.logger = logger
        (events, eventContinuation) = AsyncStream<QMPEvent>.makeStream()
    }

    /// Runs `command` and returns its `return` value.
    public func execute(_ command: String, arguments: [String: JSONValue]? = nil, timeout: Duration = .seconds(30))
        async throws -> JSONValue
    {
        var message: [String: JSONValue] = ["execute": .string(command)]
        if let arguments { message["arguments"] = .object(arguments) }
        return try await send(message, command: command, wholeReply: false, timeout: timeout)
    }

    /// Runs `command` with `descriptor` attached (SCM_RIGHTS), as `getfd` and `add-fd` want it, and returns its
    /// `return` value. QEMU holds its own copy once the command is read; the caller keeps and closes `descriptor`.
    public func execute(
        _ command: String, arguments: [String: JSONValue]? = nil, passing descriptor: CInt,
        timeout: Duration = .seconds(30)
    ) async throws -> JSONValue {
        var message: [String: JSONValue] = ["execute": .string(command)]
        if let arguments { message["arguments"] = .object(arguments) }
        return try await send(message, command: command, wholeReply: false, timeout: timeout, passing: descriptor)
    }

    /// Sends a command a client wrote (libvirt's "arbitrary" monitor command) and returns QEMU's whole reply
    /// object, an `error` reply included, as libvirt passes it back. Our own id replaces any the client gave, so
    /// the reply cannot be mistaken for another command's.
    public func executeArbitrary(_ command: [String: JSONValue], timeout: Duration = .seconds(30)) async throws
        -> JSONValue
    {
        try await send(command, command: command["execute"]?.stringValue ?? "(arbitrary)", wholeReply: true, timeout: timeout)
    }

    private func send(
        _ body: [String: JSONValue], command: String, wholeReply: Bool, timeout: Duration, passing descriptor: CInt? = nil
    ) async throws -> JSONValue {
        if let closedReason {
            if case .disconnected = closedReason { throw QMPError.disconnected(command: command) }
            throw closedReason
        }
        let id = nextID
        nextID += 1
        var message = body
        message["id"] = .int(Int64(id))
        var bytes = JSONValue.object(message).serialized()
        bytes.append(UInt8(ascii: "\n"))
        let channel = self.channel
        let timeoutTask = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.fail(id: id, with: .timeout(command: command, seconds: Self.seconds(timeout)))
        }
        defer { timeoutTask.cancel() }
        logger.debug("QMP send \(command)", metadata: ["id": "\(id)"])
        return try await withCheckedThrowingContinuation { continuation in
            pending[id] = (command, wholeReply, continuation)
            let written: EventLoopFuture<Void>
            if let descriptor {
                written = Self.write(Array(bytes), passing: descriptor, on: channel, socket: socket)
            } else {
                written = channel.writeAndFlush(ByteBuffer(bytes: bytes))
            }
            written.whenFailure { [weak self] error in
                Task { await self?.fail(id: id, with: .disconnected(command: command)) }
            }
        }
    }

    /// The command's bytes go out with the descriptor in one sendmsg on the socket itself, which NIO cannot do.
    /// So that nothing NIO queued before is overtaken, an empty write goes through NIO first; once it completes,
    /// on the event loop, all earlier bytes are in the socket and no other write can run until this one is done.
    private static func write(_ bytes: [UInt8], passing descriptor: CInt, on channel: any Channel, socket: CInt)
        -> EventLoopFuture<Void>
    {
        channel.writeAndFlush(ByteBuffer()).flatMapThrowing {
            // Closing happens on this event loop too: while the channel is active its descriptor is ours.
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            try DescriptorPassing.send(bytes, attaching: descriptor, on: socket)
        }
    }

    /// Closes the socket; pending commands fail with `disconnected`.
    public func close() async {
        try? await channel.close()
        finish(.disconnected(command: nil))
    }

    private func startReading(_ inbound: AsyncStream<QMPInbound>) {
        Task { [weak self] in
            for await item in inbound {
                guard let self else { return }
                switch item {
                case .line(let line): await self.handle(line: line)
                case .failed(let reason): await self.finish(.malformedMessage(reason))
                }
            }
            await self?.finish(.disconnected(command: nil))
        }
    }

    private func awaitGreeting(timeout: Duration) async throws {
        let path = self.path
        let timer = Task { [weak self] in
            try await Task.sleep(for: timeout)
            await self?.failGreeting(.noGreeting(path: path))
        }
        defer { timer.cancel() }
        if greeting != .null { return }
        greeting = try await withCheckedThrowingContinuation { continuation in
            if let closedReason { continuation.resume(throwing: closedReason) } else { greetingWaiter = continuation }
        }
    }

    private func failGreeting(_ error: QMPError) {
        greetingWaiter?.resume(throwing: error)
        greetingWaiter = nil
    }

    private func handle(line: String) {
        guard let message = try? JSONValue.parse(Data(line.utf8)), case .object(let fields) = message else {
            logger.error("QMP: not a JSON object: \(line.prefix(200))")
            finish(.malformedMessage(String(line.prefix(200))))
            channel.close(promise: nil)
            return
        }
        if let greetingBody = fields["QMP"] {
            if let waiter = greetingWaiter {
                greetingWaiter = nil
                waiter.resume(returning: greetingBody)
            } else {
                greeting = greetingBody
            }
        } else if let event = fields["event"]?.stringValue {
            let seconds = fields["timestamp"]?["seconds"]?.intValue ?? 0
            let micros = fields["timestamp"]?["microseconds"]?.intValue ?? 0
            logger.debug("QMP event \(event)")
            eventContinuation.yield(
                QMPEvent(
                    name: event, data: fields["data"]?.objectValue ?? [:],
                    timestamp: Double(seconds) + Double(micros) / 1e6))
        } else if let id = fields["id"]?.intValue, let entry = pending.removeValue(forKey: Int(id)) {
            if entry.wholeReply {
                entry.continuation.resume(returning: message)
            } else if let error = fields["error"] {
                entry.continuation.resume(
                    throwing: QMPError.commandFailed(
                        command: entry.command, errorClass: error["class"]?.stringValue ?? "GenericError",
                        description: error["desc"]?.stringValue ?? "\(error)"))
            } else {
                entry.continuation.resume(returning: fields["return"] ?? .null)
            }
        } else {
            logger.warning("QMP: reply matches no pending command: \(line.prefix(200))")
        }
    }

    private func fail(id: Int, with error: QMPError) {
        pending.removeValue(forKey: id)?.continuation.resume(throwing: error)
    }

    private func finish(_ reason: QMPError) {
        if closedReason == nil {
            closedReason = reason
            logger.debug("QMP connection ended: \(reason)")
        }
        failGreeting(reason)
        let waiting = pending
        pending = [:]
        for (_, entry) in waiting {
            if case .disconnected = reason {
                entry.continuation.resume(throwing: QMPError.disconnected(command: entry.command))
            } else {
                entry.continuation.resume(throwing: reason)
            }
        }
        eventContinuation.finish()
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
