import SwiftVirtCore

extension DomainRegistry {
    /// Loads persistent definitions, then reattaches to guests that kept running while the daemon was down.
    func restore() async {
        for (path, parsed) in store.loadConfigs(logger: logger) {
            var def = parsed
            do {
                try driver.applyDefaults(&def)
            } catch {
                logger.error("skipping unreadable domain config \(path): \(error.asVirtError.logDescription)")
                continue
            }
            insertRestored(DomainRecord(config: def, persistent: true, autostart: store.isAutostart(name: def.name)))
        }
        for status in store.loadStatuses(logger: logger) {
            guard let uuid = DomainUUID(string: status.uuid) else { continue }
            do {
                var live = try DomainXML.parse(status.liveXML)
                try driver.applyDefaults(&live)
                if let taps = status.interfaceTargets, taps.count == live.devices.interfaces.count {
                    for (i, tap) in taps.enumerated() { live.devices.interfaces[i].targetDev = tap }
                }
                let running = try await driver.reattach(live, status: status.driverStatus, observer: self)
                var rec = (try? record(uuid)) ?? DomainRecord(config: live, persistent: false, autostart: false)
                try rec.adopt(
                    ActiveDomain(
                        running: running, live: live, id: status.id, state: await running.state,
                        reason: await running.stateReason))
                insertRestored(rec)
                bumpNextID(past: status.id)
                logger.info("reattached to running domain \(status.name) (id \(status.id))")
            } catch {
                logger.warning("domain \(status.name) did not survive the daemon restart: \(error.asVirtError.logDescription)")
                statusWriter.remove(uuid)
            }
        }
    }

    /// Starts every persistent domain marked autostart that is not already running.
    func autostartAll() async {
        for rec in allRecords() where rec.persistent && rec.autostart && !rec.isActive {
            do {
                _ = try await start(rec.config.uuid, paused: false)
                logger.info("autostarted domain \(rec.config.name)")
            } catch {
                logger.error("autostart of \(rec.config.name) failed: \(error.asVirtError.logDescription)")
            }
        }
    }
}
