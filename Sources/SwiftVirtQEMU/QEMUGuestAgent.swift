import FoundationEssentials
import Glibc
import NIOCore
import NIOPosix
import SwiftVirtCore
import SwiftVirtSystem

/// The QEMU guest agent of one guest, reached through its `org.qemu.guest_agent.0` virtio-serial channel, whose
/// host side is a unix socket QEMU listens on. As libvirt does, each command is preceded by `guest-sync` with a
/// random id and replies that do not carry it are dropped, so a reply left over from an earlier, abandoned
/// command is never taken for this one. One connection per command: nothing is held between calls.
enum QEMUGuestAgent {
    static let channelName = "org.qemu.guest_agent.0"
    /// libvirt's QEMU_AGENT_WAIT_TIME: how long the synchronisation, and a command with the default timeout,
    /// may take.
    static let defaultWait: Duration = .seconds(5)

    /// The agent channel's socket, or nil when the definition has no agent channel.
    static func socketPath(_ definition: DomainDefinition, domainDirectory: String) -> String? {
        guard let channel = definition.devices.channels.first(where: { $0.targetName == channelName }),
            channel.type == .unix
        else { return nil }
        return channel.source?.path ?? QEMUDomain.defaultChannelSocket(directory: domainDirectory, name: channelName)
    }

    /// How long a command waits with virDomainAgentSetResponseTimeout's `seconds`: -2 forever (nil), -1 the
    /// default, 0 not at all.
    static func wait(_ seconds: Int32) -> Duration? {
        switch seconds {
        case AgentResponseTimeout.block: nil
        case AgentResponseTimeout.default: defaultWait
        default: .seconds(Int64(max(seconds, 0)))
        }
    }

    /// How long the synchronisation waits: the default, or a shorter response timeout the user set.
    static func syncWait(_ seconds: Int32) -> Duration {
        seconds >= 0 && seconds < 5 ? .seconds(Int64(seconds)) : defaultWait
    }

    /// Sends `command` and returns the agent's whole reply. `timeout`: nil waits forever (BLOCK). With
    /// `awaiting`, a command the agent does not answer on success (guest-shutdown) also ends when the awaited
    /// QEMU event arrives: the reply is then an empty `return`.
    static func execute(
        _ command: [String: JSONValue], socket: String, timeout: Duration?, sync: Duration = defaultWait,
        awaiting: AgentEventWait? = nil
    ) async throws -> JSONValue {
        let channel: any Channel
        let inbound: AsyncStream<QMPInbound>
        do {
            (channel, inbound) = try await QMPTransport.connect(path: socket, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            throw unresponsive("QEMU guest agent is not connected")
        }
        defer { channel.close(promise: nil) }
        let lines = LineQueue(inbound)

        let id = Int64.random(in: 1...Int64(Int32.max))
        try await send(["execute": .string("guest-sync"), "arguments": .object(["id": .int(id)])], on: channel)
        guard try await lines.reply(within: sync, { $0["return"]?.intValue == id }) != nil else {
            throw unresponsive("Guest agent not available for now")
        }
        await awaiting?.attach(lines)
        try await send(command, on: channel)
        guard let answer = try await lines.reply(within: timeout, { $0["return"] != nil || $0["error"] != nil }) else {
            if let awaiting, await awaiting.arrived { return .object(["return": .object([:])]) }
            throw unresponsive("Guest agent not available for now")
        }
        return .object(answer)
    }

    private static func send(_ command: [String: JSONValue], on channel: any Channel) async throws {
        var bytes = JSONValue.object(command).serialized()
        bytes.append(UInt8(ascii: "\n"))
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        } catch {
            throw unresponsive("QEMU guest agent is not connected")
        }
    }

    static func unresponsive(_ why: String) -> VirtError {
        VirtError(.agentUnresponsive, domain: .qemu, detail: why)
    }

    /// libvirt's error for an agent's error reply to `command`.
    static func commandFailed(_ command: String, _ error: JSONValue) -> VirtError {
        let why = error["desc"]?.stringValue ?? error["class"]?.stringValue ?? "unknown error"
        return VirtError(
            .internalError, domain: .qemu, detail: "unable to execute QEMU agent command '\(command)': \(why)")
    }
}

/// A QEMU event (SHUTDOWN, RESET) an agent command waits for instead of an answer; the domain calls `fire`
/// when it arrives, which ends the command's wait.
actor AgentEventWait {
    let event: String
    private(set) var arrived = false
    private var lines: LineQueue?
    init(event: String) { self.event = event }

    fileprivate func attach(_ lines: LineQueue) {
        self.lines = lines
        if arrived { Task { await lines.interrupt() } }
    }

    func fire() async {
        arrived = true
        await lines?.interrupt()
    }
}

/// The agent's lines as they arrive, taken one at a time with a deadline.
private actor LineQueue {
    private var buffered: [String] = []
    private var ended = false
    private var waiter: CheckedContinuation<String?, Never>?

    init(_ inbound: AsyncStream<QMPInbound>) {
        Task { [weak self] in
            for await item in inbound {
                guard case .line(let line) = item else { break }
                await self?.push(line)
            }
            await self?.finish()
        }
    }

    private func push(_ line: String) {
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: line)
        } else {
            buffered.append(line)
        }
    }

    private func finish() {
        ended = true
        waiter?.resume(returning: nil)
        waiter = nil
    }

    private func expire() {
        waiter?.resume(returning: nil)
        waiter = nil
    }

    /// Ends the wait now, and any later one: what the caller waited for happened elsewhere.
    func interrupt() {
        ended = true
        expire()
    }

    /// The next line, or nil when the connection ended or `deadline` passed first.
    private func next(until deadline: ContinuousClock.Instant?) async -> String? {
        if !buffered.isEmpty { return buffered.removeFirst() }
        if ended { return nil }
        let timer = deadline.map { deadline in
            Task { [weak self] in
                try await Task.sleep(until: deadline)
                await self?.expire()
            }
        }
        defer { timer?.cancel() }
        return await withCheckedContinuation { waiter = $0 }
    }

    /// Reads until a line is a JSON object `accept` takes, or gives nil when the connection ends or the time is up.
    /// A line may start with the 0xFF delimiter an agent sends after `guest-sync-delimited`; it is skipped.
    func reply(within limit: Duration?, _ accept: ([String: JSONValue]) -> Bool) async throws -> [String: JSONValue]? {
        let deadline = limit.map { ContinuousClock.now + $0 }
        while let line = await next(until: deadline) {
            let json = line.drop { $0 != "{" }
            guard let parsed = try? JSONValue.parse(Data(json.utf8)), case .object(let fields) = parsed else { continue }
            if accept(fields) { return fields }
        }
        return nil
    }
}
