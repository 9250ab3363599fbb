import Foundation
import Logging
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// A driver on scratch directories, shared by a test.
func makeDriver(_ dir: borrowing ScratchDirectory) async -> QEMUDriver {
    await QEMUDriver(
        configuration: QEMUDriverConfiguration(
            runDirectory: dir.path + "/run", logDirectory: dir.path + "/log", stateDirectory: dir.path + "/state",
            shutdownGracePeriod: .seconds(3)),
        logger: testLogger)
}

@Suite(.enabled(if: qemuInstalled), .serialized) struct QEMUDriverTests {
    @Test func versionMachinesAndCapabilities() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        #expect(await driver.hypervisorVersion() / 1000 == 7002)
        #expect(driver.capabilities.defaultMachine == "pc-i440fx-7.2")
        #expect(driver.capabilities.canonicalMachine("q35") == "pc-q35-7.2")
        let caps = await driver.capabilitiesXML()
        #expect(caps.contains("<domain type='qemu'/>"))
        #expect(caps.contains("<machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine>"))
        #expect(caps.contains("KVM accelerator probe: \(driver.accelerator.name)"))
        #expect(caps.contains("<domain type='kvm'/>") == driver.accelerator.isUsable)
        let domcaps = try await driver.domainCapabilitiesXML(emulator: nil, arch: nil, machine: "pc", virtType: "qemu")
        #expect(domcaps.contains("<machine>pc-i440fx-7.2</machine>"))
        if !driver.accelerator.isUsable {
            await #expect(throws: QEMUCommandLineError.self) {
                try await driver.domainCapabilitiesXML(emulator: nil, arch: nil, machine: nil, virtType: "kvm")
            }
        }
    }

    @Test func prepareDefinitionExpandsMachineAndRejectsKVM() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        var d = GoldenDefinitions.minimal()
        d.os.machine = "q35"
        d.devices.emulator = nil
        // minimal() is a pc guest: its pci-root and PIIX3 USB at 00:01.2 cannot be q35's (libvirt refuses both).
        d.devices.controllers = []
        try driver.prepareDefinition(&d)
        #expect(d.os.machine == "pc-q35-7.2")
        #expect(d.devices.rootBusModel == .pcieRoot)
        #expect(d.devices.emulator == "/usr/bin/qemu-system-x86_64")
        d.os.machine = "no-such-machine"
        #expect(throws: QEMUDomainError.unknownMachine("no-such-machine")) { try driver.prepareDefinition(&d) }
        if !driver.accelerator.isUsable {
            var k = GoldenDefinitions.minimal()
            k.virtType = .kvm
            #expect(throws: QEMUCommandLineError.self) { try driver.prepareDefinition(&k) }
        }
    }

    @Test func lifecycleOfADisklessSeaBIOSGuest() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let observer = RecordingObserver()
        let definition = GoldenDefinitions.minimal(name: "seabios")
        let domain = try await driver.start(definition, id: 7, paused: false, observer: observer)
        #expect(await domain.state == .running)
        #expect(await observer.reports.first == .changed(.running, .runningBooted, .startedBooted))
        let pty = try await domain.consolePath(device: nil)
        #expect(pty.hasPrefix("/dev/pts/"))
        #expect(try await domain.consolePath(device: "serial0") == pty)
        await #expect(throws: QEMUDomainError.self) { try await domain.consolePath(device: "serial9") }
        let qemu = try #require(domain as? QEMUDomain)
        #expect(try await qemu.qmp.execute("query-status")["status"]?.stringValue == "running")

        try await domain.suspend()
        #expect(await domain.state == .paused)
        #expect(try await qemu.qmp.execute("query-status")["status"]?.stringValue == "paused")
        try await domain.resume()
        #expect(await domain.state == .running)
        try await domain.reset()
        #expect(try await qemu.qmp.execute("query-status")["status"]?.stringValue == "running")
        #expect(await domain.cpuTimeNanoseconds() > 0)

        let status = try QEMUDomainStatus.decode(await domain.statusData())
        #expect(status.id == 7)
        #expect(status.ptyPaths["serial0"] == pty)
        #expect(FileManager.default.fileExists(atPath: status.monitorPath))

        try await domain.destroy(graceful: false)
        await qemu.flushReports()
        let reports = await observer.reports
        #expect(reports.contains(.changed(.paused, .pausedUser, .suspendedPaused)))
        #expect(reports.contains(.changed(.running, .runningUnpaused, .resumedUnpaused)))
        #expect(reports.last == .stopped(.shutoffDestroyed, .stoppedDestroyed))
        #expect(await domain.state == .shutoff)
        await #expect(throws: QEMUDomainError.notRunning(name: "seabios")) { try await domain.suspend() }
        #expect(!FileManager.default.fileExists(atPath: status.domainDirectory))
        let log = try String(contentsOfFile: dir.path + "/log/seabios.log", encoding: .utf8)
        #expect(log.contains(": starting up"))
        #expect(log.contains("-name \\\nguest=seabios,debug-threads=on"))
        #expect(log.contains("shutting down, reason=destroyed"))
    }

    @Test func startPausedReportsSuspended() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let observer = RecordingObserver()
        let domain = try await driver.start(
            GoldenDefinitions.minimal(name: "paused"), id: 1, paused: true, observer: observer)
        #expect(await domain.state == .paused)
        #expect(await domain.stateReason == .pausedUser)
        try await domain.resume()
        #expect(await domain.state == .running)
        try await domain.destroy(graceful: true)
        #expect(await observer.reports.last == .stopped(.shutoffDestroyed, .stoppedDestroyed))
    }

    @Test func qemuKilledFromOutsideIsReportedCrashed() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let observer = RecordingObserver()
        let domain = try await driver.start(
            GoldenDefinitions.minimal(name: "victim"), id: 2, paused: false, observer: observer)
        let status = try QEMUDomainStatus.decode(await domain.statusData())
        kill(status.pid, SIGKILL)
        #expect(await observer.stoppedReport() == .stopped(.shutoffCrashed, .stoppedFailed))
        #expect(await domain.state == .shutoff)
        let log = try String(contentsOfFile: dir.path + "/log/victim.log", encoding: .utf8)
        #expect(log.contains("shutting down, reason=crashed"))
    }

    @Test func reattachAfterDaemonRestart() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let firstObserver = RecordingObserver()
        let definition = GoldenDefinitions.minimal(name: "survivor")
        let first = try #require(
            try await driver.start(definition, id: 3, paused: false, observer: firstObserver) as? QEMUDomain)
        let blob = await first.statusData()
        // The old daemon goes away: its monitor connection closes, QEMU keeps running.
        await first.qmp.close()

        let restarted = await makeDriver(dir)
        let observer = RecordingObserver()
        let domain = try await restarted.reattach(definition, status: blob, observer: observer)
        #expect(await domain.state == .running)
        #expect(await domain.id == 3)
        try await domain.suspend()
        #expect(await domain.state == .paused)
        try await domain.destroy(graceful: false)
        #expect(await observer.reports.last == .stopped(.shutoffDestroyed, .stoppedDestroyed))
    }

    @Test func reattachToAGoneProcessFails() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let status = QEMUDomainStatus(
            id: 4, name: "gone", uuid: "", pid: 999_999_999, monitorPath: dir.path + "/none.sock",
            domainDirectory: dir.path, logPath: dir.path + "/gone.log", pidFilePath: dir.path + "/gone.pid",
            emulator: qemuBinary, ptyPaths: [:], vncPort: nil, startTime: 0)
        await #expect(throws: QEMUProcessError.self) {
            try await driver.reattach(
                GoldenDefinitions.minimal(name: "gone"), status: status.encoded(), observer: RecordingObserver())
        }
        await #expect(throws: QEMUDomainError.self) {
            try await driver.reattach(
                GoldenDefinitions.minimal(name: "gone"), status: [1, 2, 3], observer: RecordingObserver())
        }
    }

    @Test func startFailureCarriesQEMUsMessage() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        var d = GoldenDefinitions.minimal(name: "broken")
        var disk = Disk(sourcePath: dir.path + "/missing.img", targetDev: "vda", targetBus: .virtio)
        disk.driver = .init(format: .raw)
        d.devices.disks = [disk]
        do {
            _ = try await driver.start(d, id: 5, paused: false, observer: RecordingObserver())
            Issue.record("start should fail")
        } catch let error as QEMUDomainError {
            #expect(error.description.contains("missing.img"))
            // Only QEMU's own words, not the echoed command line.
            #expect(!error.description.contains("-nodefaults"), "\(error)")
        }
    }
}

@Suite struct QEMUStartFailureMessageTests {
    @Test func takesOnlyWhatQEMUPrintedAfterTheLastStart() {
        let log = """
            2026-11-28 04:00:00.000+0000: starting up
            LC_ALL=C /usr/bin/qemu-system-x86_64 \\
            -name \\
            guest=old
            2026-11-28T04:00:00Z qemu-system-x86_64: an old complaint
            2026-11-28 04:01:00.000+0000: starting up
            LC_ALL=C /usr/bin/qemu-system-x86_64 \\
            -nodefaults \\
            -msg \\
            timestamp=on
            char device redirected to /dev/pts/3 (label charserial0)
            2026-11-28T04:01:00Z qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory

            """
        #expect(
            QEMUDomainLauncher.qemuMessages(inLog: log)
                == "2026-11-28T04:01:00Z qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory")
        #expect(QEMUDomainLauncher.qemuMessages(inLog: "") == "QEMU exited")
    }
}
