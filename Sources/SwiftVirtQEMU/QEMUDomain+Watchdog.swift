import FoundationEssentials
import Glibc
import SwiftVirtCore

/// The guest's watchdog firing (QEMU's WATCHDOG event), handled as qemuProcessHandleWatchdog does: libvirt's
/// WATCHDOG event first; a `pause` of a running guest makes it paused (reason watchdog) with a SUSPENDED/WATCHDOG
/// lifecycle event; with `<watchdog action='dump'>` (QEMU was told to pause) the guest's memory is dumped, ELF
/// as libvirt's memory-only dump, to `STATE/qemu/dump/ID-NAME-DATE`, and the guest resumes.
extension QEMUDomain {
    func watchdogFired(_ event: QMPEvent) {
        guard let name = event.data["action"]?.stringValue, let action = WatchdogEventAction(qemuAction: name) else {
            logger.warning("watchdog event with an unknown action: \(event.data)")
            return
        }
        logger.notice("watchdog fired, action \(name)")
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainWatchdog(uuid, action: action) }
        if action == .pause, state == .running {
            setState(.paused, .pausedWatchdog, event: .suspendedWatchdog)
        }
        if liveDevices.watchdog?.action == .dump, let directory = autoDumpDirectory {
            Task { await self.dumpAndResume(into: directory) }
        }
    }

    private func dumpAndResume(into directory: String) async {
        do {
            try await job.run {
                try requireAlive()
                let path = "\(directory)/\(Self.dumpFileName(id: id, name: definition.name, at: Date()))"
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                do {
                    _ = try await qmp.execute(
                        "dump-guest-memory", arguments: ["paging": .bool(false), "protocol": .string("file:\(path)")],
                        timeout: .seconds(600))
                    logger.notice("watchdog dump written to \(path)")
                } catch {
                    logger.error("watchdog dump failed: \(error)")  // libvirt: "Dump failed", then resumes anyway
                }
                _ = try await qmp.execute("cont")
            }
        } catch {
            logger.error("resuming after the watchdog dump failed: \(error)")
        }
    }

    /// libvirt's auto-dump name: the domain's short name (id-name, the name cut to 20 characters) and the local
    /// time, `%Y-%m-%d-%H:%M:%S`.
    static func dumpFileName(id: Int32, name: String, at date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let stamp =
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))-"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        return "\(id)-\(name.prefix(20))-\(stamp)"
    }
}
