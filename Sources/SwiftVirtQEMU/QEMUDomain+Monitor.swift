import FoundationEssentials
import SwiftVirtCore
import SwiftVirtSystem

/// libvirt's QEMU program for one guest: monitor commands written by a client, and QMP events passed on.
extension QEMUDomain: MonitorPassthrough {
    public func monitorCommand(_ command: String, humanMonitor: Bool) async throws -> String {
        try await job.run {
            try requireAlive()
            taint(.customMonitor)
            if humanMonitor {
                let output = try await qmp.execute("human-monitor-command", arguments: ["command-line": .string(command)])
                return output.stringValue ?? ""
            }
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parse(Data(command.utf8))
            } catch {
                throw VirtError(
                    .internalError, domain: .qemu, detail: "cannot parse json \(command): not valid JSON", cause: error)
            }
            guard case .object(let fields) = parsed else {
                throw VirtError(.internalError, domain: .qemu, detail: "cannot parse json \(command): not a JSON object")
            }
            let reply = try await qmp.executeArbitrary(fields)
            return String(decoding: reply.serialized(), as: UTF8.self)
        }
    }

    public func agentCommand(_ command: String, timeout: Int32) async throws -> String {
        guard timeout >= -2 else {
            throw VirtError(
                .invalidArg, domain: .qemu, detail: "guest agent timeout '\(timeout)' is less than the minimum '-2'")
        }
        return try await agentJob.run {
            let socket = try await agentAvailable()
            guard let parsed = try? JSONValue.parse(Data(command.utf8)), case .object(let fields) = parsed else {
                throw VirtError(.internalError, domain: .qemu, detail: "cannot parse json \(command): not valid JSON")
            }
            taint(.customGuestAgent)
            let reply = try await QEMUGuestAgent.execute(
                fields, socket: socket, timeout: QEMUGuestAgent.wait(timeout),
                sync: QEMUGuestAgent.syncWait(agentTimeout))
            if let error = reply["error"] {
                throw QEMUGuestAgent.commandFailed(fields["execute"]?.stringValue ?? "?", error)
            }
            return String(decoding: reply.serialized(), as: UTF8.self)
        }
    }

    public func taints() -> [DomainTaint] { taintsRecorded }

    /// Records a taint once per run, with the line libvirt writes to the domain's log.
    func taint(_ taint: DomainTaint) {
        guard !taintsRecorded.contains(taint) else { return }
        taintsRecorded.append(taint)
        logger.warning("domain is tainted: \(taint.rawValue)")
        QEMUProcess.appendLog(status.logPath, "Domain id=\(id) is tainted: \(taint.rawValue)")
    }

    /// A QMP event as libvirt's QEMU program forwards it: its name, QEMU's timestamp split into seconds and
    /// microseconds, and its `data` as compact JSON.
    static func monitorEvent(_ event: QMPEvent) -> MonitorEvent {
        let stamp = event.timestamp ?? 0
        let seconds = stamp.rounded(.down)
        let details = event.data.isEmpty ? nil : String(decoding: JSONValue.object(event.data).serialized(), as: UTF8.self)
        return MonitorEvent(
            name: event.name, seconds: Int64(seconds), microseconds: UInt32(((stamp - seconds) * 1e6).rounded()),
            details: details)
    }
}
