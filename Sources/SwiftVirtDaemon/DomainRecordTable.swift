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

/// An optional value kept on the heap, so that a struct holding it is one pointer wide while it is nil. A
/// definition is ~680 bytes inline; every record carried two empty ones (live, next) for inactive domains.
@propertyWrapper
struct OutOfLine<Value: Sendable>: Sendable {
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
    private var box: Box?

    init(wrappedValue: Value?) { box = wrappedValue.map(Box.init) }

    var wrappedValue: Value? {
        get { box?.value }
        set { box = newValue.map(Box.init) }
    }
}
