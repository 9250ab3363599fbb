import SwiftVirtCore

/// Failures talking to a QEMU monitor.
public enum QMPError: Error, Sendable, Equatable, LibvirtMappable, CustomStringConvertible {
    case connectFailed(path: String, reason: String)
    /// The socket opened but QEMU never sent its greeting.
    case noGreeting(path: String)
    /// QEMU answered the command with an error object.
    case commandFailed(command: String, errorClass: String, description: String)
    case timeout(command: String, seconds: Double)
    /// The monitor connection ended (QEMU exited or was killed) before the reply came.
    case disconnected(command: String?)
    /// QEMU sent something that is not a QMP message.
    case malformedMessage(String)

    public var description: String {
        switch self {
        case .connectFailed(let path, let reason): return "cannot connect to QEMU monitor at \(path): \(reason)"
        case .noGreeting(let path): return "QEMU monitor at \(path) sent no greeting"
        // libvirt's words (qemuMonitorJSONCheckErrorFull): QEMU's description, its error class only without one.
        case .commandFailed(let command, let errorClass, let description):
            return "unable to execute QEMU command '\(command)': \(description.isEmpty ? errorClass : description)"
        case .timeout(let command, let seconds):
            return "QEMU command '\(command)' got no reply within \(seconds) s"
        case .disconnected(let command):
            return command.map { "QEMU monitor closed while running '\($0)'" } ?? "QEMU monitor is closed"
        case .malformedMessage(let text): return "malformed message from QEMU monitor: \(text)"
        }
    }

    public var virtError: VirtError {
        switch self {
        case .timeout: return VirtError(.operationTimeout, domain: .qemu, detail: description)
        case .disconnected: return VirtError(.operationFailed, domain: .qemu, detail: description)
        case .connectFailed, .noGreeting, .commandFailed, .malformedMessage:
            return VirtError(.internalError, domain: .qemu, detail: description)
        }
    }
}
