import Foundation

/// One daemon the CLI scenarios run against (swiftvirtd or libvirtd), with both clients pointed at it.
struct CLIEndpoint {
    let label: String
    let uri: String
    let scratch: URL
    let virsh: Virsh
    /// Guests created here; the harness removes them at the end.
    let track: (String) -> Void

    init(_ harness: DaemonHarness) {
        label = "swiftvirtd"
        uri = harness.uri
        scratch = harness.scratch
        virsh = Virsh(harness)
        track = { harness.guestNames.insert($0) }
    }

    init(_ harness: LibvirtdHarness) {
        label = "libvirtd"
        uri = harness.uri
        scratch = harness.scratch
        virsh = Virsh(uri: harness.uri, scratch: harness.scratch)
        track = { harness.guestNames.insert($0) }
    }

    /// Runs `swiftvirt -c URI ARGS...`; never throws for a non-zero exit.
    func swiftvirt(_ arguments: String...) async throws -> CommandResult {
        try await run(TestEnvironment.cliBinary(), ["-c", uri] + arguments, scratch: scratch)
    }

    /// Runs `swiftvirt -c URI ARGS...`, which must succeed; returns its stdout.
    @discardableResult
    func mustSwiftvirt(_ arguments: String...) async throws -> String {
        let result = try await run(TestEnvironment.cliBinary(), ["-c", uri] + arguments, scratch: scratch)
        guard result.succeeded else { throw HarnessError("swiftvirt failed on \(label): \(result)") }
        return result.stdout
    }

    /// A demo guest (scripts/demo-domain.xml) whose XML file is in the scratch directory; returns (name, path, serial log).
    func makeGuest() throws -> (name: String, xmlPath: String, serialLog: String) {
        let name = "cli-\(UUID().uuidString.prefix(6).lowercased())"
        track(name)
        let serialLog = scratch.appendingPathComponent("\(name)-serial.log").path
        let xmlPath = scratch.appendingPathComponent("\(name).xml").path
        try TestEnvironment.guestXML(name: name, serialLog: serialLog).write(
            toFile: xmlPath, atomically: true, encoding: .utf8)
        return (name, xmlPath, serialLog)
    }

    /// Defines and starts `guest`, waits for its banner on the serial log, and starts `virsh event --all --loop`
    /// (stop it with SIGTERM; its output has the events seen).
    func bootWatchingEvents(_ guest: (name: String, xmlPath: String, serialLog: String)) async throws -> ChildProcess {
        try await virsh.must("define", guest.xmlPath)
        try await virsh.must("start", guest.name)
        try await waitUntil("banner of \(guest.name)", timeout: .seconds(90)) {
            readFile(guest.serialLog).contains(TestEnvironment.banner)
        }
        let events = try ChildProcess(
            TestEnvironment.virsh, virsh.baseArguments + ["event", "--all", "--loop", "--timeout", "300"],
            scratch: scratch)
        try await Task.sleep(for: .milliseconds(500))
        return events
    }

    /// Ends a `bootWatchingEvents` run: the device events seen (each line passed through `normal`), the guest
    /// destroyed and undefined.
    func finishWatchingEvents(_ events: ChildProcess, guest name: String, normal: (String) -> String) async throws
        -> [String]
    {
        try await Task.sleep(for: .milliseconds(500))
        events.signal(SIGTERM)
        let lines = normal(events.stdout).split(separator: "\n").filter { $0.contains("device-") }.map(String.init)
        _ = try await virsh("destroy", name)
        _ = try await virsh("undefine", name)
        return lines
    }

    /// A command on a pseudo-terminal (pty_run.py), for console and edit.
    func onTerminal(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(
            TestEnvironment.python, [TestEnvironment.pythonScript("pty_run.py")] + arguments, scratch: scratch,
            environment: environment)
    }
}

extension Virsh {
    /// virsh pointed at any URI (the private libvirtd's).
    init(uri: String, scratch: URL) {
        self.uri = uri
        readOnly = false
        self.scratch = scratch
    }
}

/// "Key: value" lines (dominfo, nodeinfo) as a dictionary.
func labelledFields(_ text: String) -> [String: String] {
    var fields: [String: String] = [:]
    for line in text.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return fields
}

/// The rows of a `list` table below its rule, each split on runs of spaces: ["-", "name", "shut", "off"].
func tableRows(_ text: String) -> [[String]] {
    let lines = text.split(separator: "\n").map(String.init)
    guard let rule = lines.firstIndex(where: { $0.hasPrefix("---") }) else { return [] }
    return lines[(rule + 1)...].map { $0.split(separator: " ").map(String.init) }.filter { !$0.isEmpty }
}

func trimmedText(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
