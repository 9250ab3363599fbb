import Foundation

/// Debian's unmodified virsh pointed at a harness socket.
struct Virsh {
    let uri: String
    let readOnly: Bool
    let scratch: URL

    init(_ harness: DaemonHarness, readOnlySocket: Bool = false, readOnlyFlag: Bool = false) {
        uri = readOnlySocket ? harness.readOnlyURI : harness.uri
        readOnly = readOnlyFlag
        scratch = harness.scratch
    }

    var baseArguments: [String] { (readOnly ? ["-r"] : []) + ["-c", uri] }

    /// Runs one virsh command; never throws for a non-zero exit (tests assert on the result).
    func callAsFunction(_ arguments: String..., timeout: Duration = .seconds(120)) async throws -> CommandResult {
        try await run(TestEnvironment.virsh, baseArguments + arguments, scratch: scratch, timeout: timeout)
    }

    /// Runs one virsh command that must succeed, returning its stdout.
    @discardableResult
    func must(_ arguments: String..., timeout: Duration = .seconds(120)) async throws -> String {
        let result = try await run(TestEnvironment.virsh, baseArguments + arguments, scratch: scratch, timeout: timeout)
        guard result.succeeded else { throw HarnessError("virsh failed: \(result)") }
        return result.stdout
    }

    /// `virsh domstate NAME` trimmed, e.g. "running", "paused", "shut off".
    func state(_ name: String, reason: Bool = false) async throws -> String {
        let out = reason ? try await must("domstate", name, "--reason") : try await must("domstate", name)
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `virsh dominfo NAME` as "Key" → "value" (e.g. "Max memory" → "262144 KiB").
    func dominfo(_ name: String) async throws -> [String: String] {
        var fields: [String: String] = [:]
        for line in try await must("dominfo", name).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    func waitForState(_ name: String, _ expected: String, timeout: Duration = .seconds(60)) async throws {
        var last = ""
        do {
            try await waitUntil("domain \(name) to be \(expected)", timeout: timeout) {
                last = try await state(name)
                return last == expected
            }
        } catch {
            throw HarnessError("\(error); last state '\(last)'")
        }
    }
}

/// A test guest from scripts/demo-domain.xml with its serial log in the harness scratch directory.
struct TestGuest {
    let name: String
    let serialLog: String
    let xmlPath: String

    init(_ harness: DaemonHarness, name: String = "guest-\(UUID().uuidString.prefix(6).lowercased())") throws {
        self.name = name
        harness.guestNames.insert(name)
        serialLog = harness.scratch.appendingPathComponent("\(name)-serial.log").path
        xmlPath = harness.scratch.appendingPathComponent("\(name).xml").path
        let xml = try TestEnvironment.guestXML(name: name, serialLog: serialLog)
        try xml.write(toFile: xmlPath, atomically: true, encoding: .utf8)
    }

    /// Waits until the guest has printed its banner on the serial port.
    func waitForBanner(timeout: Duration = .seconds(90)) async throws {
        do {
            try await waitUntil("banner of \(name) in \(serialLog)", timeout: timeout) {
                readFile(serialLog).contains(TestEnvironment.banner)
            }
        } catch {
            let tail = readFile(serialLog).suffix(2000)
            throw HarnessError("\(error); serial log tail:\n\(tail)")
        }
    }

    /// Waits until the banner has appeared `count` times: boots of one QEMU process share one log file (a
    /// reset or reboot keeps writing to the file QEMU opened at start, so it must not be removed meanwhile).
    func waitForBanner(count: Int, timeout: Duration = .seconds(90)) async throws {
        try await waitUntil("banner #\(count) of \(name) in \(serialLog)", timeout: timeout) {
            readFile(serialLog).components(separatedBy: TestEnvironment.banner).count - 1 >= count
        }
    }

    /// Forgets earlier boots so the next banner check sees only the next one.
    func clearSerialLog() {
        try? FileManager.default.removeItem(atPath: serialLog)
    }
}
