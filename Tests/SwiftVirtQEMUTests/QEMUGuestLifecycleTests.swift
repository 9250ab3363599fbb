import Foundation
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// The busybox guest built by scripts/build-guest-image.sh (kernel + initramfs handling the ACPI power button).
enum GuestImage {
    static let directory: String? = {
        var candidates = ["/var/cache/swiftvirt/guest", NSHomeDirectory() + "/.cache/swiftvirt/guest", "/tmp/guest"]
        if let dir = ProcessInfo.processInfo.environment["SWIFTVIRT_GUEST_DIR"] { candidates.insert(dir, at: 0) }
        return candidates.first { dir in
            ["vmlinuz", "initrd.img"].allSatisfy { FileManager.default.fileExists(atPath: "\(dir)/\($0)") }
        }
    }()

    static func definition(name: String, serialLog: String, onPoweroff: LifecycleAction = .destroy) -> DomainDefinition
    {
        var d = GoldenDefinitions.minimal(name: name)
        d.memoryKiB = 256 * 1024
        d.currentMemoryKiB = d.memoryKiB
        d.os.bootDevices = []
        d.os.kernel = "\(directory ?? "")/vmlinuz"
        d.os.initrd = "\(directory ?? "")/initrd.img"
        d.os.cmdline = "console=ttyS0"
        d.onPoweroff = onPoweroff
        d.devices.serials[0].log = .init(file: serialLog, append: .on)
        return d
    }

    static func waitForBanner(_ log: String, count: Int = 1, timeout: Duration = .seconds(120)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.components(separatedBy: "SwiftVirt guest ready").count - 1 >= count { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}

@Suite(.enabled(if: qemuInstalled && GuestImage.directory != nil), .serialized)
struct QEMUGuestLifecycleTests {
    @Test func acpiShutdownPowersTheGuestOff() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let observer = RecordingObserver()
        let serial = dir.path + "/serial.log"
        let domain = try await driver.start(
            GuestImage.definition(name: "acpi", serialLog: serial), id: 1, paused: false, observer: observer)
        #expect(await GuestImage.waitForBanner(serial))
        try await domain.shutdown()
        let stopped = await observer.stoppedReport(timeout: .seconds(60))
        #expect(stopped == .stopped(.shutoffShutdown, .stoppedShutdown))
        #expect(await observer.reports.contains(.changed(.shutdown, DomainStateReason(0), .shutdownGuest)))
        #expect(try String(contentsOfFile: serial, encoding: .utf8).contains("power button pressed"))
        #expect(await domain.state == .shutoff)
    }

    @Test func rebootRestartsTheGuestInPlace() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let observer = RecordingObserver()
        let serial = dir.path + "/serial.log"
        let domain = try await driver.start(
            GuestImage.definition(name: "reboot", serialLog: serial), id: 2, paused: false, observer: observer)
        #expect(await GuestImage.waitForBanner(serial))
        try await domain.reboot()
        #expect(await GuestImage.waitForBanner(serial, count: 2))
        #expect(await domain.state == .running)
        // The in-place restart is a guest reset: libvirt's REBOOT event.
        #expect(await observer.reports.contains(.rebooted))
        #expect(!(await observer.reports.contains { if case .stopped = $0 { true } else { false } }))
        // The STOP/RESUME QEMU emits around the in-place restart are not reported as suspend/resume.
        #expect(!(await observer.reports.contains(.changed(.paused, .pausedUser, .suspendedPaused))))
        try await domain.destroy(graceful: false)
        #expect(await observer.reports.last == .stopped(.shutoffDestroyed, .stoppedDestroyed))
    }

    @Test func onPoweroffPreserveLeavesItPaused() async throws {
        let dir = try ScratchDirectory()
        let driver = await makeDriver(dir)
        let observer = RecordingObserver()
        let serial = dir.path + "/serial.log"
        let domain = try await driver.start(
            GuestImage.definition(name: "preserve", serialLog: serial, onPoweroff: .preserve), id: 3, paused: false,
            observer: observer)
        #expect(await GuestImage.waitForBanner(serial))
        try await domain.shutdown()
        let paused = await observer.waitFor(timeout: .seconds(60)) {
            $0 == .changed(.paused, DomainStateReason(8), nil)
        }
        #expect(paused != nil)
        #expect(await domain.state == .paused)
        try await domain.destroy(graceful: false)
        #expect(await observer.reports.last == .stopped(.shutoffDestroyed, .stoppedDestroyed))
    }
}
