import Foundation

/// What a finished command left behind.
struct CommandResult: Sendable, CustomStringConvertible {
    let command: [String]
    let status: Int32
    let stdout: String
    let stderr: String

    var succeeded: Bool { status == 0 }
    var description: String {
        "`\(command.joined(separator: " "))` exited \(status)\nstdout: \(stdout)\nstderr: \(stderr)"
    }
}

/// A child process whose stdout and stderr go to files, so a test can poll what it printed so far without
/// pipe buffers filling up, and whose stdin is a pipe the test may write to.
final class ChildProcess {
    let command: [String]
    let stdoutPath: String
    let stderrPath: String
    private let process = Process()
    private let input = Pipe()

    init(_ executable: String, _ arguments: [String], scratch: URL, environment: [String: String] = [:]) throws {
        command = [executable] + arguments
        let tag = UUID().uuidString.prefix(8)
        stdoutPath =
            scratch.appendingPathComponent("\(URL(fileURLWithPath: executable).lastPathComponent)-\(tag).out").path
        stderrPath =
            scratch.appendingPathComponent("\(URL(fileURLWithPath: executable).lastPathComponent)-\(tag).err").path
        FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        // Untranslated messages, and no default URI that could send virsh elsewhere.
        env["LC_ALL"] = "C"
        env["LANG"] = "C"
        env.removeValue(forKey: "LIBVIRT_DEFAULT_URI")
        env.removeValue(forKey: "VIRSH_DEFAULT_CONNECT_URI")
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { readFile(stdoutPath) }
    var stderr: String { readFile(stderrPath) }

    func write(_ text: String) {
        // A command that has exited closes its end: the write fails (EPIPE) and the test sees what it printed.
        try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits for exit; after `timeout` the process is killed and the wait fails.
    func wait(timeout: Duration = .seconds(60)) async throws -> CommandResult {
        do {
            try await waitUntil("\(command.joined(separator: " ")) to exit", timeout: timeout) { !process.isRunning }
        } catch {
            signal(SIGKILL)
            process.waitUntilExit()
            throw HarnessError("\(error); stdout so far: \(stdout) stderr: \(stderr)")
        }
        process.waitUntilExit()
        return CommandResult(command: command, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Polls stdout until it contains `text`.
    func waitForOutput(_ text: String, timeout: Duration = .seconds(60)) async throws {
        do {
            try await waitUntil("'\(text)' from \(command.joined(separator: " "))", timeout: timeout) {
                stdout.contains(text)
            }
        } catch {
            throw HarnessError("\(error); stdout so far: \(stdout) stderr: \(stderr)")
        }
    }
}

/// Runs a command to completion.
func run(
    _ executable: String, _ arguments: [String], scratch: URL, stdin: String? = nil,
    timeout: Duration = .seconds(120)
) async throws -> CommandResult {
    let child = try ChildProcess(executable, arguments, scratch: scratch)
    if let stdin { child.write(stdin) }
    child.closeInput()
    return try await child.wait(timeout: timeout)
}
