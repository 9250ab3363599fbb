import Foundation
import SwiftVirtCore

/// A host tool (ip, nft, dnsmasq) that failed; the message carries the command and what it printed.
struct HostCommandError: LibvirtMappable, CustomStringConvertible {
    var argv: [String]
    var status: Int32
    var output: String
    var description: String {
        "'\(argv.joined(separator: " "))' failed (status \(status)): "
            + output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var virtError: VirtError { VirtError(.operationFailed, domain: .network, "operation failed: \(description)") }
}

/// Runs host networking tools synchronously; they return in milliseconds.
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path(of: argv[0]))
        process.arguments = Array(argv.dropFirst())
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let inPipe = Pipe()
        process.standardInput = input == nil ? FileHandle.nullDevice : inPipe
        do { try process.run() } catch {
            throw HostCommandError(argv: argv, status: -1, output: "cannot run: \(error)")
        }
        if let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw HostCommandError(argv: argv, status: process.terminationStatus, output: text)
        }
        return text
    }

    /// For undo steps: failures are logged by the caller's rollback, never thrown over the original error.
    static func attempt(_ argv: [String]) { _ = try? run(argv) }

    static func interfaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }
}
