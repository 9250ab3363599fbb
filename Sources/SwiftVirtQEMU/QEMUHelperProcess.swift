import Glibc

/// A process that lives as long as a domain's QEMU and serves it over a unix socket: the swtpm of an emulated
/// TPM, the virtiofsd of a virtiofs filesystem.
struct QEMUHelperProcess: Sendable {
    let process: QEMUProcess
    let socketPath: String
    let pidFilePath: String

    var status: QEMUHelperStatus { QEMUHelperStatus(pid: process.pid, socketPath: socketPath, pidFilePath: pidFilePath) }

    /// After QEMU: the helper normally ends by itself when QEMU's connection closes; otherwise it is sent
    /// SIGTERM (SIGKILL after 5 s). Its socket and pid file go.
    func stop() async {
        if await process.waitForExit(timeout: .seconds(1)) == nil {
            await process.terminate(gracePeriod: .seconds(5))
        }
        unlink(socketPath)
        unlink(pidFilePath)
    }

    /// A helper left running by an earlier daemon, if it is still there and still `executable`.
    static func adopt(_ status: QEMUHelperStatus, executable: String) -> QEMUHelperProcess? {
        guard let process = try? QEMUProcess.adopt(pid: status.pid, expectedExecutable: executable) else {
            return nil
        }
        return QEMUHelperProcess(process: process, socketPath: status.socketPath, pidFilePath: status.pidFilePath)
    }
}

/// What reattach needs to find a domain's helper process again.
public struct QEMUHelperStatus: Sendable, Codable, Equatable {
    public var pid: Int32
    public var socketPath: String
    public var pidFilePath: String
}
