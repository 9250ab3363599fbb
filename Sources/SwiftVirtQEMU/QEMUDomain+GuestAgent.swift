import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// The guest agent APIs of a running QEMU guest, each one agent command (or a few for guest info), with
/// libvirt's refusals first: not running, no agent channel ("not configured"), the guest side of the channel
/// not open ("not connected", from QMP's query-chardev).
extension QEMUDomain: GuestAgentQueries {
    public func guestTime() async throws -> (seconds: Int64, nanoseconds: UInt32) {
        let reply = try await agentCall("guest-get-time")
        guard let nanoseconds = reply["return"]?.unsignedValue else {
            throw GuestAgentReplies.malformed("malformed return value")
        }
        return (Int64(nanoseconds / 1_000_000_000), UInt32(nanoseconds % 1_000_000_000))
    }

    public func setGuestTime(seconds: Int64, nanoseconds: UInt32, fromRTC: Bool) async throws {
        if fromRTC {
            _ = try await agentCall("guest-set-time")
        } else {
            guard seconds <= Int64.max / 1_000_000_000 else {
                throw VirtError(.invalidArg, domain: .qemu, detail: "Time '\(seconds)' is too big for guest agent")
            }
            _ = try await agentCall("guest-set-time", ["time": .int(seconds * 1_000_000_000 + Int64(nanoseconds))])
        }
        // As libvirt on x86: the RTC's catch-up of missed ticks restarts from the new time.
        try await job.run {
            try requireAlive()
            _ = try await qmp.execute("rtc-reset-reinjection")
        }
    }

    public func guestHostname() async throws -> String? {
        try await agentAvailable()
        // As libvirt: once the agent is there, its failure to answer is "no hostname found".
        return try? await agentCall("guest-get-host-name")["return"]?["host-name"]?.stringValue
    }

    public func guestFilesystems() async throws -> [GuestFilesystem] {
        let filesystems = try GuestAgentReplies.filesystems(try await agentCall("guest-get-fsinfo"))
        try requireAlive()
        return filesystems.map { fs in
            GuestFilesystem(
                mountpoint: fs.mountpoint, name: fs.name, type: fs.type,
                disks: fs.disks.compactMap { $0.target(in: liveDevices) })
        }
    }

    public func guestInterfaces() async throws -> [GuestInterface] {
        try GuestAgentReplies.interfaces(try await agentCall("guest-network-get-interfaces"))
    }

    public func freezeGuestFilesystems(_ mountpoints: [String]) async throws -> Int {
        let reply =
            mountpoints.isEmpty
            ? try await agentCall("guest-fsfreeze-freeze")
            : try await agentCall(
                "guest-fsfreeze-freeze-list", ["mountpoints": .array(mountpoints.map { .string($0) })])
        return try count(reply)
    }

    public func thawGuestFilesystems() async throws -> Int {
        try count(try await agentCall("guest-fsfreeze-thaw"))
    }

    public func trimGuestFilesystems(minimum: UInt64) async throws {
        _ = try await agentCall("guest-fstrim", ["minimum": .int(Int64(clamping: minimum))])
    }

    public func setGuestUserPassword(user: String, password: String, crypted: Bool) async throws {
        let encoded = Data(password.utf8).base64EncodedString()
        _ = try await agentCall(
            "guest-set-user-password",
            ["crypted": .bool(crypted), "username": .string(user), "password": .string(encoded)])
    }

    public func guestInfo(_ types: GuestInfoTypes) async throws -> [TypedStat] {
        // Asked for nothing in particular, gather what the agent can say and skip the commands it lacks.
        let strict = !types.isEmpty
        let wanted = types.isEmpty ? GuestInfoTypes.all : types
        try await agentAvailable()
        var out: [TypedStat] = []
        func call(_ command: String) async throws -> JSONValue? {
            try await agentCall(command, reportUnsupported: strict)
        }
        if wanted.contains(.users), let reply = try await call("guest-get-users") {
            out += try GuestAgentReplies.users(reply)
        }
        if wanted.contains(.os), let reply = try await call("guest-get-osinfo") {
            out += try GuestAgentReplies.osInfo(reply)
        }
        if wanted.contains(.timezone), let reply = try await call("guest-get-timezone") {
            out += try GuestAgentReplies.timezone(reply)
        }
        if wanted.contains(.hostname), let reply = try await call("guest-get-host-name") {
            guard let name = reply["return"]?["host-name"]?.stringValue else {
                throw GuestAgentReplies.malformed("'host-name' missing in guest-get-host-name reply")
            }
            out.append(TypedStat("hostname", .string(name)))
        }
        var filesystems: [GuestAgentReplies.Filesystem] = []
        if wanted.contains(.filesystem), let reply = try await call("guest-get-fsinfo") {
            filesystems = try GuestAgentReplies.filesystems(reply)
        }
        var disks: JSONValue?
        if wanted.contains(.disks) { disks = try await call("guest-get-disks") }
        var interfaces: [GuestInterface] = []
        if wanted.contains(.interfaces), let reply = try await call("guest-network-get-interfaces") {
            interfaces = try GuestAgentReplies.interfaces(reply)
        }
        if !filesystems.isEmpty { out += GuestAgentReplies.filesystemParameters(filesystems, devices: liveDevices) }
        if let disks, !(disks["return"]?.arrayValue ?? []).isEmpty {
            out += try GuestAgentReplies.diskParameters(disks, devices: liveDevices)
        }
        if !interfaces.isEmpty { out += GuestAgentReplies.interfaceParameters(interfaces) }
        return out
    }

    // MARK: The agent channel

    public func virtioChannelStates() async -> [String: Bool] {
        let reply = try? await job.run {
            try requireAlive()
            return try await qmp.execute("query-chardev")
        }
        var open: [String: Bool] = [:]
        for entry in reply?.arrayValue ?? [] {
            if let label = entry["label"]?.stringValue, let state = entry["frontend-open"]?.boolValue {
                open[label] = state
            }
        }
        var states: [String: Bool] = [:]
        for (i, channel) in definition.devices.channels.enumerated() where (channel.targetType ?? .virtio) == .virtio {
            let alias = channel.alias ?? "channel\(i)"
            if let state = open["char" + alias] { states[alias] = state }
        }
        return states
    }

    /// libvirt's qemuDomainAgentAvailable: the domain runs, has an agent channel, and the guest has opened it.
    /// Returns the channel's socket.
    @discardableResult
    func agentAvailable() async throws -> String {
        try requireAlive()
        guard state == .running else {
            throw VirtError(.operationInvalid, domain: .qemu, detail: "domain is not running")
        }
        guard let index = definition.devices.channels.firstIndex(where: { $0.targetName == QEMUGuestAgent.channelName })
        else {
            throw VirtError(.argumentUnsupported, domain: .qemu, detail: "QEMU guest agent is not configured")
        }
        // Only a unix socket channel is one the daemon can talk through.
        guard let socket = QEMUGuestAgent.socketPath(definition, domainDirectory: status.domainDirectory) else {
            throw QEMUGuestAgent.unresponsive("QEMU guest agent is not connected")
        }
        let chardev = "char" + (definition.devices.channels[index].alias ?? "channel\(index)")
        let chardevs = try await job.run {
            try requireAlive()
            return try await qmp.execute("query-chardev")
        }
        let entry = chardevs.arrayValue?.first { $0["label"]?.stringValue == chardev }
        if entry?["frontend-open"]?.boolValue == false {
            throw QEMUGuestAgent.unresponsive("QEMU guest agent is not connected")
        }
        return socket
    }

    /// One agent command after libvirt's checks, waiting for the answer as long as the response timeout says
    /// (by default as long as it takes); the domain's end ends the wait. An error reply is libvirt's "unable to execute QEMU agent
    /// command"; without `reportUnsupported`, a command the agent lacks or has disabled gives nil instead.
    func agentCall(_ name: String, _ arguments: [String: JSONValue]? = nil, reportUnsupported: Bool) async throws
        -> JSONValue?
    {
        var command: [String: JSONValue] = ["execute": .string(name)]
        if let arguments { command["arguments"] = .object(arguments) }
        let reply = try await agentJob.run {
            let socket = try await agentAvailable()
            return try await QEMUGuestAgent.execute(
                command, socket: socket, timeout: QEMUGuestAgent.wait(agentTimeout),
                sync: QEMUGuestAgent.syncWait(agentTimeout))
        }
        if let error = reply["error"] {
            let errorClass = error["class"]?.stringValue
            if !reportUnsupported, errorClass == "CommandNotFound" || errorClass == "CommandDisabled" { return nil }
            throw QEMUGuestAgent.commandFailed(name, error)
        }
        guard reply["return"] != nil else {
            throw VirtError(.internalError, domain: .qemu, detail: "unable to execute QEMU agent command '\(name)'")
        }
        return reply
    }

    func agentCall(_ name: String, _ arguments: [String: JSONValue]? = nil) async throws -> JSONValue {
        try await agentCall(name, arguments, reportUnsupported: true) ?? .null
    }

    private func count(_ reply: JSONValue) throws -> Int {
        guard let n = reply["return"]?.intValue else { throw GuestAgentReplies.malformed("malformed return value") }
        return Int(n)
    }
}
