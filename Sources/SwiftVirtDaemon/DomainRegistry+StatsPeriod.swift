import SwiftVirtCore

/// virDomainSetMemoryStatsPeriod: the balloon's statistics period of the running guest (given to it by `apply`,
/// then shown in the live definition) and/or of the persistent definition. libvirt's flags: CURRENT means LIVE
/// for a running domain and CONFIG otherwise.
extension DomainRegistry {
    func setMemoryStatsPeriod(
        _ uuid: DomainUUID, _ period: Int32, flags: UInt32, apply: @Sendable (any RunningDomain) async throws -> Void
    ) async throws {
        try await jobs.run(uuid) {
            let rec = try self.record(uuid)
            let current = flags & (Self.affectLive | Self.affectConfig) == 0
            let live = flags & Self.affectLive != 0 || (current && rec.isActive)
            let config = flags & Self.affectConfig != 0 || (current && !rec.isActive)
            if live && !rec.isActive { throw VirtError(.operationInvalid, detail: "domain is not running") }
            if config && !rec.persistent {
                throw VirtError(.operationInvalid, detail: "transient domains do not have any persistent config")
            }
            if live, var def = rec.live, let running = rec.running {
                try await apply(running)
                def.devices.memballoon?.statsPeriod = Int(period)
                await self.replaceLive(uuid, with: def)
            }
            if config {
                var def = rec.nextConfig ?? rec.config
                guard def.devices.memballoon.map({ $0.model != .none }) == true else { throw VirtError.noMemoryBalloon }
                def.devices.memballoon?.statsPeriod = Int(period)
                try await self.saveChangedDefinition(def)
            }
        }
    }
}
