import Logging
import SwiftVirtCore
import Synchronization

/// Definitions and statuses kept in memory only: the state of libvirt's `test:///default` host, which lives
/// as long as its driver instance (see `DriverTable`), and of daemon unit tests.
final class MemoryDomainStore: DomainPersistence {
    private struct Contents {
        var configs: [String: DomainDefinition] = [:]
        var autostart: Set<String> = []
        var statuses: [String: DomainStore.Status] = [:]
    }
    private let contents = Mutex(Contents())

    init(configs: [DomainDefinition] = []) {
        contents.withLock { c in for def in configs { c.configs[def.name] = def } }
    }

    func saveConfig(_ definition: DomainDefinition, xml: String) throws {
        contents.withLock { $0.configs[definition.name] = definition }
    }

    func removeConfig(name: String) throws {
        contents.withLock { c in
            c.configs[name] = nil
            c.autostart.remove(name)
        }
    }

    func setAutostart(name: String, _ enabled: Bool) throws {
        contents.withLock { c in
            if enabled { c.autostart.insert(name) } else { c.autostart.remove(name) }
        }
    }

    func isAutostart(name: String) -> Bool { contents.withLock { $0.autostart.contains(name) } }

    func loadConfigs(logger: Logger) -> [(path: String, definition: DomainDefinition)] {
        contents.withLock { c in c.configs.keys.sorted().compactMap { name in c.configs[name].map { ("memory:" + name, $0) } } }
    }

    func saveStatus(_ status: DomainStore.Status) throws { contents.withLock { $0.statuses[status.uuid] = status } }

    func removeStatus(uuid: DomainUUID) { contents.withLock { _ = $0.statuses.removeValue(forKey: "\(uuid)") } }

    func loadStatuses(logger: Logger) -> [DomainStore.Status] {
        contents.withLock { c in c.statuses.keys.sorted().compactMap { c.statuses[$0] } }
    }
}
