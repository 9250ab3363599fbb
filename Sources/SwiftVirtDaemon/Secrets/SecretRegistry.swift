import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// The secret driver: definitions and values of secrets, shared by every connection as libvirt's secret driver is.
/// Persistent secrets are kept by `SecretStore` and come back after a restart; ephemeral ones live in memory only.
/// Changes take `changes`, so they happen one at a time across the file writes; lookups do not wait for it.
actor SecretRegistry {
    struct Entry: Sendable {
        var definition: SecretDefinition
        var value: [UInt8]?
    }

    private var entries: [DomainUUID: Entry] = [:]
    private let store: SecretStore
    private let logger: Logger
    private let changes = AsyncJobLock()
    nonisolated let events = SecretEventHub()

    init(store: SecretStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Reads the secrets on disk (after `store.prepare()`).
    func restore() async {
        let loaded = await BlockingIO.run { [store, logger] in
            store.load { logger.error("Error reading secret: \($0)") }
        }
        for l in loaded { entries[l.definition.uuid] = Entry(definition: l.definition, value: l.value) }
    }

    /// Every secret, ordered by uuid.
    func all() -> [SecretDefinition] {
        entries.values.map(\.definition).sorted { $0.uuid.description < $1.uuid.description }
    }

    func definition(_ uuid: DomainUUID) throws -> SecretDefinition {
        guard let e = entries[uuid] else { throw SecretError.noSecretUUID(uuid) }
        return e.definition
    }

    func definition(usageType: Int32, id: String) throws -> SecretDefinition {
        guard let found = usageHolder(SecretUsageType(rawValue: usageType), id: id) else {
            throw SecretError.noSecretUsage(id)
        }
        return found.definition
    }

    /// The secret with this usage: usage `none` never matches.
    private func usageHolder(_ type: SecretUsageType?, id: String?) -> Entry? {
        guard let type, type != .none else { return nil }
        return entries.values.first { $0.definition.usageType == type && $0.definition.usageID == id }
    }

    /// The value, as an RPC client may read it: never that of a private secret.
    func value(_ uuid: DomainUUID) throws -> [UInt8] {
        guard let e = entries[uuid] else { throw SecretError.noSecretUUID(uuid) }
        if e.definition.isPrivate { throw SecretError.isPrivate }
        guard let v = e.value else { throw SecretError.noValue(uuid) }
        return v
    }

    /// The value of a secret named in a volume or disk `<encryption>`, as libvirt's drivers read it for their
    /// own use (private secrets included): found by uuid, or by `usage`'s type and the id; a secret of another
    /// usage type is refused.
    func internalValue(_ lookup: StorageEncryption.SecretLookup, usage: SecretUsageType) throws -> [UInt8] {
        let entry: Entry
        switch lookup {
        case .uuid(let uuid):
            guard let e = entries[uuid] else { throw SecretError.noSecretUUID(uuid) }
            entry = e
        case .usage(let id):
            guard let e = usageHolder(usage, id: id) else { throw SecretError.noSecretUsage(id) }
            entry = e
        }
        let def = entry.definition
        if def.usageType != .none && def.usageType != usage {
            throw VirtError(
                .invalidArg, domain: .secret,
                detail: "secret with uuid \(def.uuid) is of type '\(def.usageType.word)' not expected '\(usage.word)' type")
        }
        guard let value = entry.value else { throw SecretError.noValue(def.uuid) }
        return value
    }

    /// The uuid of the volume secret whose usage is `path` (libvirt finds a volume's secret so after a refresh).
    func volumeSecret(path: String) -> DomainUUID? {
        usageHolder(.volume, id: path)?.definition.uuid
    }

    /// Defines a secret or redefines one of the same uuid (its value is kept).
    func define(xml: String) async throws -> SecretDefinition {
        let def = try SecretXML.parse(xml)
        return try await changes.run { try await defineLocked(def) }
    }

    private func defineLocked(_ def: SecretDefinition) async throws -> SecretDefinition {
        let old = entries[def.uuid]
        if let old {
            if old.definition.usageID != def.usageID {
                throw SecretError.uuidUsedFor(def.uuid, usageID: old.definition.usageID)
            }
            if old.definition.isPrivate && !def.isPrivate { throw SecretError.privateFlagChange }
        } else if let holder = usageHolder(def.usageType, id: def.usageID) {
            throw SecretError.usageTaken(holder.definition.uuid, usageID: def.usageID)
        }
        let value = old?.value
        let wasEphemeral = old?.definition.ephemeral ?? true
        do {
            try await BlockingIO.run { [store] in
                if !def.ephemeral {
                    // A value kept only in memory so far gets its file with the definition.
                    if old != nil && wasEphemeral, let value { try store.saveValue(def.uuid, value) }
                    try store.saveConfig(def)
                } else if old != nil && !wasEphemeral {
                    store.removeConfig(def.uuid)
                    store.removeValue(def.uuid)
                }
            }
        } catch {
            throw SecretError.storage("\(error)")
        }
        entries[def.uuid] = Entry(definition: def, value: value)
        logger.info("defined secret \(def.uuid)")
        events.publish(.defined, def)
        return def
    }

    func setValue(_ uuid: DomainUUID, _ value: [UInt8]) async throws {
        try await changes.run {
            guard let e = entries[uuid] else { throw SecretError.noSecretUUID(uuid) }
            if !e.definition.ephemeral {
                do {
                    try await BlockingIO.run { [store] in try store.saveValue(uuid, value) }
                } catch {
                    throw SecretError.storage("\(error)")
                }
            }
            entries[uuid]?.value = value
            events.publishValueChanged(e.definition)
        }
    }

    func undefine(_ uuid: DomainUUID) async throws {
        try await changes.run {
            guard let e = entries[uuid] else { throw SecretError.noSecretUUID(uuid) }
            if !e.definition.ephemeral {
                await BlockingIO.run { [store] in
                    store.removeConfig(uuid)
                    store.removeValue(uuid)
                }
            }
            entries[uuid] = nil
            logger.info("undefined secret \(uuid)")
            events.publish(.undefined, e.definition)
        }
    }
}
