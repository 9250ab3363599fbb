import SwiftVirtCore

/// The registry's records by uuid, with a name index kept up to date on every change. Define checks name
/// uniqueness on each call; rebuilding a name index from 500 whole records per define was a sixth of define's CPU.
struct DomainRecordTable: Sequence {
    private var byUUID: [DomainUUID: DomainRecord] = [:]
    private var byName: [String: DomainUUID] = [:]

    subscript(uuid: DomainUUID) -> DomainRecord? {
        get { byUUID[uuid] }
        set {
            if let old = byUUID[uuid]?.config.name, byName[old] == uuid, old != newValue?.config.name {
                byName[old] = nil
            }
            if let name = newValue?.config.name { byName[name] = uuid }
            byUUID[uuid] = newValue
        }
    }

    /// The uuid of the domain with this name.
    func uuid(named name: String) -> DomainUUID? { byName[name] }

    var keys: Dictionary<DomainUUID, DomainRecord>.Keys { byUUID.keys }
    var values: Dictionary<DomainUUID, DomainRecord>.Values { byUUID.values }
    var count: Int { byUUID.count }
    func makeIterator() -> Dictionary<DomainUUID, DomainRecord>.Iterator { byUUID.makeIterator() }
}
