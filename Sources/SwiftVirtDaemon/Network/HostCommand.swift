import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// A host tool (ip, nft, dnsmasq, tc) that failed; reported as libvirt reports its own failed child processes
/// (virCommandRun: VIR_ERR_INTERNAL_ERROR, "Child process (...) unexpected exit status N: what it printed").
struct HostCommandError: LibvirtMappable, CustomStringConvertible {
    var argv: [String]
    var status: Int32
    var output: String
    var description: String {
        "Child process (\(argv.joined(separator: " "))) unexpected exit status \(status): " + output.trimmingWhitespace()
    }
    var virtError: VirtError { VirtError(.internalError, domain: .none, detail: description) }
}

/// Runs host networking tools to completion. Blocking: call `run` and `attempt` inside `BlockingIO.run`.
enum HostCommand {
    /// Standard tool locations (Debian puts ip/nft/dnsmasq in /usr/sbin, which a daemon's PATH may lack).
    static func path(of tool: String) -> String {
        for dir in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
            return "\(dir)/\(tool)"
        }
        return tool
    }

    @discardableResult
    static func run(_ argv: [String], input: String? = nil) throws -> String {
        let result: ChildProcess.Result
        do {
            result = try ChildProcess.run(path(of: argv[0]), Array(argv.dropFirst()), input: input, mergeOutput: true)
        } catch {
            throw HostCommandError(argv: argv, status: -1, output: "cannot run: \(error)")
        }
        guard result.status == 0 else {
            throw HostCommandError(argv: argv, status: result.status, output: result.standardOutput)
        }
        return result.standardOutput
    }

    /// For undo steps: failures are logged by the caller's rollback, never thrown over the original error.
    static func attempt(_ argv: [String]) { _ = try? run(argv) }

    static func interfaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }
}
