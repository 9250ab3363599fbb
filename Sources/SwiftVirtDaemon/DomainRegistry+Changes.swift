import SwiftVirtCore

/// The definitions one live/config change works on, chosen from the call's flags as libvirt's
/// virDomainObjGetDefs chooses them: `live` (with the domain that runs it) when the change affects the running
/// domain, `config` when it affects the persistent definition. The change edits them in place.
struct DefinitionChange: Sendable {
    var live: DomainDefinition?
    let running: (any RunningDomain)?
    var config: DomainDefinition?
}

/// virDomainModificationImpact's bits.
enum ModificationImpact {
    static let live: UInt32 = 1
    static let config: UInt32 = 2

    /// libvirt's virDomainObjUpdateModificationImpact: CURRENT means live for a running domain, else config;
    /// live needs a running domain and config a persistent one.
    static func resolve(_ flags: UInt32, active: Bool, persistent: Bool) throws -> (live: Bool, config: Bool) {
        var flags = flags & (live | config)
        if flags == 0 { flags = active ? live : config }
        if !active && flags & live != 0 {
            throw VirtError(.operationInvalid, domain: .domain, detail: "domain is not running")
        }
        if !persistent && flags & config != 0 {
            throw VirtError(.operationInvalid, domain: .domain, detail: "transient domains do not have any persistent config")
        }
        return (flags & live != 0, flags & config != 0)
    }
}

extension DomainRegistry {
    /// Runs `body` under the domain's job on the definitions `flags` select, then stores what it changed: the
    /// persistent definition durably (as define does), the live one in the domain's status.
    func changeDefinitions<T: Sendable>(
        _ uuid: DomainUUID, flags: UInt32, _ body: @Sendable (inout DefinitionChange) async throws -> T
    ) async throws -> T {
        try await jobs.run(uuid) {
            let rec = try record(uuid)
            let impact = try ModificationImpact.resolve(flags, active: rec.isActive, persistent: rec.persistent)
            let before = DefinitionChange(
                live: impact.live ? rec.live : nil, running: impact.live ? rec.running : nil,
                config: impact.config ? rec.nextConfig ?? rec.config : nil)
            var change = before
            let outcome = await outcome { try await body(&change) }
            // A live change may have half happened before a failure (one vCPU of two plugged): keep what did.
            try await storeChanged(
                uuid, live: change.live != before.live ? change.live : nil, of: change.running,
                config: outcome.isSuccess && change.config != before.config ? change.config : nil)
            return try outcome.get()
        }
    }

    /// The one definition a query selects (libvirt's virDomainObjGetOneDef): live or config, not both.
    func oneDefinition(_ uuid: DomainUUID, flags: UInt32) throws -> DomainDefinition {
        if flags & ModificationImpact.live != 0 && flags & ModificationImpact.config != 0 {
            throw VirtError(
                .invalidArg, domain: .domain,
                detail: "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive")
        }
        let rec = try record(uuid)
        let impact = try ModificationImpact.resolve(flags, active: rec.isActive, persistent: rec.persistent)
        if impact.live, let live = rec.live { return live }
        return rec.nextConfig ?? rec.config
    }

    /// `body` on the running domain under its job; an inactive domain is libvirt's virDomainObjCheckActive
    /// refusal.
    func withActive<T: Sendable>(_ uuid: DomainUUID, _ body: @Sendable (any RunningDomain) async throws -> T)
        async throws -> T
    {
        guard try record(uuid).isActive else {
            throw VirtError(.operationInvalid, domain: .domain, detail: "domain is not running")
        }
        return try await withRunning(uuid, body)
    }
}
