import Foundation
import Testing

@testable import SwiftVirtQEMU

/// A bare QEMU (`-machine none`) with its monitor on a unix socket, started with Foundation's Process so these
/// tests do not depend on QEMUProcess.
private func startBareQEMU(socket: String) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: qemuBinary)
    process.arguments = [
        "-machine", "none", "-nodefaults", "-no-user-config", "-display", "none",
        "-qmp", "unix:\(socket),server=on,wait=off",
    ]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
}

/// SIGKILL, not terminate(): the test runner's blocked signal mask is inherited by Process children, so a
/// SIGTERM may never be delivered and the QEMU would outlive the test.
private func stopBareQEMU(_ qemu: Process) {
    kill(qemu.processIdentifier, SIGKILL)
    qemu.waitUntilExit()
}

/// A bare QEMU in `dir` and a client connected to its monitor.
private func connectedBareQEMU(_ dir: borrowing ScratchDirectory) async throws -> (Process, QMPClient) {
    let socket = dir.path + "/qmp.sock"
    let qemu = try startBareQEMU(socket: socket)
    do {
        return (qemu, try await connectWhenListening(socket))
    } catch {
        stopBareQEMU(qemu)
        throw error
    }
}

@Suite(.enabled(if: qemuInstalled)) struct QMPClientRealQEMUTests {
    @Test func negotiatesAndRunsCommands() async throws {
        let dir = try ScratchDirectory()
        let (qemu, client) = try await connectedBareQEMU(dir)
        defer { stopBareQEMU(qemu) }
        #expect(await client.greeting["version"]?["qemu"]?["major"]?.intValue == 7)
        let status = try await client.execute("query-status")
        #expect(status["status"]?.stringValue == "running")
        let version = try await client.execute("query-version")
        #expect(version["qemu"]?["minor"]?.intValue == 2)
        // Overlapping commands are matched to their replies by id.
        async let a = client.execute("query-name")
        async let b = client.execute("query-kvm")
        let (name, kvm) = try await (a, b)
        #expect(name.objectValue != nil)
        #expect(kvm["enabled"]?.boolValue == false)
        await client.close()
    }

    @Test func commandErrorsAreTyped() async throws {
        let dir = try ScratchDirectory()
        let (qemu, client) = try await connectedBareQEMU(dir)
        defer { stopBareQEMU(qemu) }
        await #expect(
            throws: QMPError.commandFailed(
                command: "no-such-command", errorClass: "CommandNotFound",
                description: "The command no-such-command has not been found")
        ) {
            try await client.execute("no-such-command")
        }
        // An argument error does not hurt the connection.
        await #expect(throws: QMPError.self) {
            try await client.execute("query-status", arguments: ["bogus": 1])
        }
        #expect(try await client.execute("query-status")["running"]?.boolValue == true)
        await client.close()
        await #expect(throws: QMPError.disconnected(command: "query-status")) {
            try await client.execute("query-status")
        }
    }

    @Test func deliversEventsAndEndsWhenQEMUQuits() async throws {
        let dir = try ScratchDirectory()
        let (qemu, client) = try await connectedBareQEMU(dir)
        defer { stopBareQEMU(qemu) }
        _ = try await client.execute("stop")
        _ = try await client.execute("cont")
        // `quit` may or may not get its reply before the socket closes; either outcome is clean.
        do { _ = try await client.execute("quit") } catch let error as QMPError {
            #expect(error == .disconnected(command: "quit"))
        }
        var names: [String] = []
        var shutdown: QMPEvent?
        for await event in client.events {
            names.append(event.name)
            if event.name == "SHUTDOWN" { shutdown = event }
        }
        #expect(names == ["STOP", "RESUME", "SHUTDOWN"])
        #expect(shutdown?.isGuestInitiated == false)
        #expect(shutdown?.reason == "host-qmp-quit")
        qemu.waitUntilExit()
        #expect(await client.isConnected == false)
    }

    @Test func pendingCommandFailsWhenQEMUIsKilled() async throws {
        let dir = try ScratchDirectory()
        let (qemu, client) = try await connectedBareQEMU(dir)
        kill(qemu.processIdentifier, SIGKILL)
        qemu.waitUntilExit()
        await #expect(throws: QMPError.disconnected(command: "query-status")) {
            try await client.execute("query-status", timeout: .seconds(5))
        }
    }

    @Test func connectToMissingSocketFails() async {
        await #expect(throws: QMPError.self) {
            try await QMPClient.connect(path: "/tmp/svq-does-not-exist.sock", logger: testLogger)
        }
    }
}
