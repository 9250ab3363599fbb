// Payload layouts that several procedures of remote_protocol.x share to the byte. Each procedure keeps its
// own .x name as a typealias next to its other types (DomainCreateArgs = DomainPayload), so route tables and
// callers still read as libvirt's do; the layout itself is written once, here.

/// A payload that is one XDR value. The conforming struct names its field as the .x file does and maps it to
/// `wireValue`; the coding comes from this protocol, so one-field payloads cannot drift apart.
public protocol SingleValuePayload: XDRCodable {
    associatedtype Value: XDRCodable
    init(wireValue: Value)
    var wireValue: Value { get }
}

extension SingleValuePayload {
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        self.init(wireValue: try decoder.decode(Value.self))
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(wireValue)
    }
}

/// A payload that is two XDR values in a row. As with `SingleValuePayload`, the struct keeps the .x field
/// names and maps them to `wirePair`; the order on the wire is the tuple's order.
public protocol PairPayload: XDRCodable {
    associatedtype First: XDRCodable
    associatedtype Second: XDRCodable
    init(wirePair: (First, Second))
    var wirePair: (First, Second) { get }
}

extension PairPayload {
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        let first = try decoder.decode(First.self)
        self.init(wirePair: (first, try decoder.decode(Second.self)))
    }

    public func encode(to encoder: inout XDREncoder) {
        let (first, second) = wirePair
        encoder.encode(first)
        encoder.encode(second)
    }
}

/// `T items<N>;` alone: a bounded array reply. The struct keeps the .x field name and maps it to `wireItems`.
public protocol ArrayPayload: XDRCodable {
    associatedtype Item: XDRCodable
    /// The .x bound of the array; a longer count is rejected before anything is allocated.
    static var itemLimit: Int { get }
    init(wireItems: [Item])
    var wireItems: [Item] { get }
}

extension ArrayPayload {
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        self.init(wireItems: try decoder.decodeArray(Item.self, limit: Self.itemLimit))
    }

    public func encode(to encoder: inout XDREncoder) { encoder.encodeArray(wireItems) }
}

/// `T items<N>; unsigned int ret;`: the replies of the list-all calls (domains, pools, volumes, networks).
public protocol ListAllPayload: XDRCodable {
    associatedtype Item: XDRCodable
    /// The .x bound of the array; a longer count is rejected before anything is allocated.
    static var itemLimit: Int { get }
    init(wireItems: [Item], ret: UInt32)
    var wireItems: [Item] { get }
    var ret: UInt32 { get }
}

extension ListAllPayload {
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        let items = try decoder.decodeArray(Item.self, limit: Self.itemLimit)
        self.init(wireItems: items, ret: try decoder.decode(UInt32.self))
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encodeArray(wireItems)
        encoder.encode(ret)
    }
}

/// A `{ remote_nonnull_string name; remote_uuid uuid; }` handle (`remote_nonnull_network`,
/// `remote_nonnull_storage_pool`). The types stay distinct so a pool can't be passed where a network is meant.
public protocol NameUuidHandle: XDRCodable {
    var name: String { get }
    /// 16 raw bytes.
    var uuid: [UInt8] { get }
    init(name: String, uuid: [UInt8])
}

extension NameUuidHandle {
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        let name = try decoder.decodeString()
        self.init(name: name, uuid: try decoder.decodeFixedOpaque(count: RemoteLimits.uuid))
    }

    public func encode(to encoder: inout XDREncoder) {
        encoder.encode(name)
        encoder.encodeFixedOpaque(uuidWireBytes(uuid))
    }
}

/// `remote_nonnull_domain dom` alone: the arguments of most one-domain calls, the reply of lookups and
/// defines, and the reboot event body.
public struct DomainPayload: SingleValuePayload, Equatable {
    public var dom: RemoteNonnullDomain
    public init(dom: RemoteNonnullDomain) { self.dom = dom }
    public init(wireValue: RemoteNonnullDomain) { dom = wireValue }
    public var wireValue: RemoteNonnullDomain { dom }
}

/// `remote_nonnull_domain dom; unsigned int flags;`: the arguments of the one-domain calls that take flags.
public struct DomainFlagsArgs: PairPayload, Equatable {
    public var dom: RemoteNonnullDomain
    public var flags: UInt32
    public init(dom: RemoteNonnullDomain, flags: UInt32) { (self.dom, self.flags) = (dom, flags) }
    public init(wirePair: (RemoteNonnullDomain, UInt32)) { (dom, flags) = wirePair }
    public var wirePair: (RemoteNonnullDomain, UInt32) { (dom, flags) }
}

/// `remote_nonnull_string xml; unsigned int flags;`: define-with-flags of domains (350) and pools (76, 77).
public struct XmlFlagsArgs: PairPayload, Equatable {
    public var xml: String
    public var flags: UInt32
    public init(xml: String, flags: UInt32) { (self.xml, self.flags) = (xml, flags) }
    public init(wirePair: (String, UInt32)) { (xml, flags) = wirePair }
    public var wirePair: (String, UInt32) { (xml, flags) }
}

/// `int need_results; unsigned int flags;`: the arguments of the list-all calls.
public struct ListAllArgs: PairPayload, Equatable {
    public var needResults: Int32
    public var flags: UInt32
    public init(needResults: Int32, flags: UInt32) { (self.needResults, self.flags) = (needResults, flags) }
    public init(wirePair: (Int32, UInt32)) { (needResults, flags) = wirePair }
    public var wirePair: (Int32, UInt32) { (needResults, flags) }
}

/// `remote_uuid uuid;`: the lookups by uuid (domains 24, networks 47, pools 85).
public struct UuidArgs: XDRCodable, Equatable {
    public var uuid: [UInt8]
    public init(uuid: [UInt8]) { self.uuid = uuid }
    public init(from decoder: inout XDRDecoder) throws(XDRError) {
        uuid = try decoder.decodeFixedOpaque(count: RemoteLimits.uuid)
    }
    public func encode(to encoder: inout XDREncoder) { encoder.encodeFixedOpaque(uuidWireBytes(uuid)) }
}

/// `remote_nonnull_network net` alone: the arguments of most one-network calls, the reply of lookups and defines.
public struct NetworkPayload: SingleValuePayload, Equatable {
    public var net: RemoteNonnullNetwork
    public init(net: RemoteNonnullNetwork) { self.net = net }
    public init(wireValue: RemoteNonnullNetwork) { net = wireValue }
    public var wireValue: RemoteNonnullNetwork { net }
}

/// `remote_nonnull_network net; unsigned int flags;`.
public struct NetworkFlagsArgs: PairPayload, Equatable {
    public var net: RemoteNonnullNetwork
    public var flags: UInt32
    public init(net: RemoteNonnullNetwork, flags: UInt32) { (self.net, self.flags) = (net, flags) }
    public init(wirePair: (RemoteNonnullNetwork, UInt32)) { (net, flags) = wirePair }
    public var wirePair: (RemoteNonnullNetwork, UInt32) { (net, flags) }
}

/// `remote_nonnull_storage_pool pool;` alone.
public struct StoragePoolPayload: SingleValuePayload, Equatable {
    public var pool: RemoteNonnullStoragePool
    public init(pool: RemoteNonnullStoragePool) { self.pool = pool }
    public init(wireValue: RemoteNonnullStoragePool) { pool = wireValue }
    public var wireValue: RemoteNonnullStoragePool { pool }
}

/// `remote_nonnull_storage_pool pool; unsigned int flags;`.
public struct StoragePoolFlagsArgs: PairPayload, Equatable {
    public var pool: RemoteNonnullStoragePool
    public var flags: UInt32
    public init(pool: RemoteNonnullStoragePool, flags: UInt32) { (self.pool, self.flags) = (pool, flags) }
    public init(wirePair: (RemoteNonnullStoragePool, UInt32)) { (pool, flags) = wirePair }
    public var wirePair: (RemoteNonnullStoragePool, UInt32) { (pool, flags) }
}

/// `remote_nonnull_storage_vol vol;` alone.
public struct StorageVolPayload: SingleValuePayload, Equatable {
    public var vol: RemoteNonnullStorageVol
    public init(vol: RemoteNonnullStorageVol) { self.vol = vol }
    public init(wireValue: RemoteNonnullStorageVol) { vol = wireValue }
    public var wireValue: RemoteNonnullStorageVol { vol }
}

/// `remote_nonnull_storage_vol vol; unsigned int flags;`.
public struct StorageVolFlagsArgs: PairPayload, Equatable {
    public var vol: RemoteNonnullStorageVol
    public var flags: UInt32
    public init(vol: RemoteNonnullStorageVol, flags: UInt32) { (self.vol, self.flags) = (vol, flags) }
    public init(wirePair: (RemoteNonnullStorageVol, UInt32)) { (vol, flags) = wirePair }
    public var wirePair: (RemoteNonnullStorageVol, UInt32) { (vol, flags) }
}

/// `remote_nonnull_string name;`: lookups by name (domains 23, networks 46), the bridge name (45) and the
/// volume path (100, which the .x also calls `name`).
public struct NamePayload: SingleValuePayload, Equatable {
    public var name: String
    public init(name: String) { self.name = name }
    public init(wireValue: String) { name = wireValue }
    public var wireValue: String { name }
}

/// `int maxnames;`: the arguments of the old bounded name lists (domains 21, pools 72 and 74).
public struct MaxnamesArgs: SingleValuePayload, Equatable {
    public var maxnames: Int32
    public init(maxnames: Int32) { self.maxnames = maxnames }
    public init(wireValue: Int32) { maxnames = wireValue }
    public var wireValue: Int32 { maxnames }
}

/// `remote_nonnull_string names<16384>;`: the replies of the bounded name lists. The domain, pool and volume
/// list bounds of remote_protocol.x are all 16384, so one limit serves them all.
public struct NamesRet: ArrayPayload, Equatable {
    public static var itemLimit: Int { RemoteLimits.domainList }
    public var names: [String]
    public init(names: [String]) { self.names = names }
    public init(wireItems: [String]) { names = wireItems }
    public var wireItems: [String] { names }
}

/// `int autostart;`: the autostart getters of domains and networks.
public struct AutostartRet: SingleValuePayload, Equatable {
    public var autostart: Int32
    public init(autostart: Int32) { self.autostart = autostart }
    public init(wireValue: Int32) { autostart = wireValue }
    public var wireValue: Int32 { autostart }
}

/// `int active;`: the is-active replies of domains and networks.
public struct ActiveRet: SingleValuePayload, Equatable {
    public var active: Int32
    public init(active: Int32) { self.active = active }
    public init(wireValue: Int32) { active = wireValue }
    public var wireValue: Int32 { active }
}

/// `int persistent;`: the is-persistent replies of domains and networks.
public struct PersistentRet: SingleValuePayload, Equatable {
    public var persistent: Int32
    public init(persistent: Int32) { self.persistent = persistent }
    public init(wireValue: Int32) { persistent = wireValue }
    public var wireValue: Int32 { persistent }
}

/// `int num;`: the counting replies.
public struct NumRet: SingleValuePayload, Equatable {
    public var num: Int32
    public init(num: Int32) { self.num = num }
    public init(wireValue: Int32) { num = wireValue }
    public var wireValue: Int32 { num }
}

/// `remote_nonnull_string xml;`: a domain XML document, as argument or reply.
public struct XmlPayload: SingleValuePayload, Equatable {
    public var xml: String
    public init(xml: String) { self.xml = xml }
    public init(wireValue: String) { xml = wireValue }
    public var wireValue: String { xml }
}

/// `remote_nonnull_string type;`: a driver or OS type name.
public struct TypeRet: SingleValuePayload, Equatable {
    public var type: String
    public init(type: String) { self.type = type }
    public init(wireValue: String) { type = wireValue }
    public var wireValue: String { type }
}

/// `remote_nonnull_string capabilities;`: a capabilities XML document.
public struct CapabilitiesRet: SingleValuePayload, Equatable {
    public var capabilities: String
    public init(capabilities: String) { self.capabilities = capabilities }
    public init(wireValue: String) { capabilities = wireValue }
    public var wireValue: String { capabilities }
}

/// `int cb_registered;`: the replies of the legacy event (de)registration.
public struct CallbackRegisteredRet: SingleValuePayload, Equatable {
    public var cbRegistered: Int32
    public init(cbRegistered: Int32) { self.cbRegistered = cbRegistered }
    public init(wireValue: Int32) { cbRegistered = wireValue }
    public var wireValue: Int32 { cbRegistered }
}

/// `int eventID;`: the arguments of the per-connection event (de)registration.
public struct EventIDArgs: SingleValuePayload, Equatable {
    public var eventID: Int32
    public init(eventID: Int32) { self.eventID = eventID }
    public init(wireValue: Int32) { eventID = wireValue }
    public var wireValue: Int32 { eventID }
}

/// `int callbackID;`: the id a callback registration returns and its deregistration takes.
public struct CallbackIDPayload: SingleValuePayload, Equatable {
    public var callbackID: Int32
    public init(callbackID: Int32) { self.callbackID = callbackID }
    public init(wireValue: Int32) { callbackID = wireValue }
    public var wireValue: Int32 { callbackID }
}
