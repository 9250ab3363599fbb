/// What a running guest's agent can tell and do (libvirt's guest agent APIs: virDomainGetTime/SetTime,
/// virDomainGetFSInfo, virDomainGetGuestInfo, virDomainGetHostname, virDomainInterfaceAddresses with the agent
/// source, virDomainFSFreeze/FSThaw/FSTrim, virDomainSetUserPassword, virDomainGetGuestVcpus/SetGuestVcpus). A running domain whose hypervisor has a
/// guest agent channel adopts it; each call fails as libvirt does when the channel is not configured or the
/// agent is not connected.
public protocol GuestAgentQueries: RunningDomain {
    /// The guest's clock.
    func guestTime() async throws -> (seconds: Int64, nanoseconds: UInt32)
    /// Sets the guest's clock to the given time, or with `fromRTC` from its real-time clock.
    func setGuestTime(seconds: Int64, nanoseconds: UInt32, fromRTC: Bool) async throws
    /// The guest's hostname; nil when the agent could not say (libvirt then reports "no hostname found").
    func guestHostname() async throws -> String?
    /// The guest's mounted filesystems, in mount order.
    func guestFilesystems() async throws -> [GuestFilesystem]
    func guestInterfaces() async throws -> [GuestInterface]
    /// Freezes the given mount points (all with none); returns how many were frozen.
    func freezeGuestFilesystems(_ mountpoints: [String]) async throws -> Int
    /// Thaws every frozen filesystem; returns how many were thawed.
    func thawGuestFilesystems() async throws -> Int
    func trimGuestFilesystems(minimum: UInt64) async throws
    func setGuestUserPassword(user: String, password: String, crypted: Bool) async throws
    /// The guest's vCPUs as it sees them: logical id, online, may be taken offline.
    func guestVCPUs() async throws -> [(id: Int, online: Bool, offlinable: Bool)]
    /// Takes the guest's vCPUs `ids` online or offline inside the guest.
    func setGuestVCPUs(_ ids: [Int], online: Bool) async throws
    /// Whether the guest has the port of each virtio channel open, by the channel's alias (QEMU's device id).
    func virtioChannelStates() async -> [String: Bool]
    /// virDomainGetGuestInfo's typed parameters for `types` (empty: everything the agent can say).
    func guestInfo(_ types: GuestInfoTypes) async throws -> [TypedStat]
}

extension DomainObserver {
    public func domainChannelChanged(_ uuid: DomainUUID, alias: String, connected: Bool) async {}
}

/// A guest filesystem (virDomainFSInfo).
public struct GuestFilesystem: Sendable, Equatable {
    public var mountpoint: String
    public var name: String
    public var type: String
    /// The targets ("vda") of the domain's disks the filesystem lives on.
    public var disks: [String]
    public init(mountpoint: String, name: String, type: String, disks: [String]) {
        (self.mountpoint, self.name, self.type, self.disks) = (mountpoint, name, type, disks)
    }
}

/// A guest network interface and its addresses (virDomainInterface).
public struct GuestInterface: Sendable, Equatable {
    public struct Address: Sendable, Equatable {
        public var isIPv6: Bool
        public var address: String
        public var prefix: UInt32
        public init(isIPv6: Bool, address: String, prefix: UInt32) {
            (self.isIPv6, self.address, self.prefix) = (isIPv6, address, prefix)
        }
    }
    public var name: String
    public var hardwareAddress: String?
    public var addresses: [Address]
    public init(name: String, hardwareAddress: String?, addresses: [Address]) {
        (self.name, self.hardwareAddress, self.addresses) = (name, hardwareAddress, addresses)
    }
}

/// virDomainGetGuestInfo's type bits (VIR_DOMAIN_GUEST_INFO_*).
public struct GuestInfoTypes: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let users = GuestInfoTypes(rawValue: 1 << 0)
    public static let os = GuestInfoTypes(rawValue: 1 << 1)
    public static let timezone = GuestInfoTypes(rawValue: 1 << 2)
    public static let hostname = GuestInfoTypes(rawValue: 1 << 3)
    public static let filesystem = GuestInfoTypes(rawValue: 1 << 4)
    public static let disks = GuestInfoTypes(rawValue: 1 << 5)
    public static let interfaces = GuestInfoTypes(rawValue: 1 << 6)
    public static let all: GuestInfoTypes = [.users, .os, .timezone, .hostname, .filesystem, .disks, .interfaces]
}

/// virDomainGetBlockInfo's figures of one disk, in bytes.
public struct BlockInfo: Sendable, Equatable {
    public var capacity: UInt64
    public var allocation: UInt64
    public var physical: UInt64
    public init(capacity: UInt64, allocation: UInt64, physical: UInt64) {
        (self.capacity, self.allocation, self.physical) = (capacity, allocation, physical)
    }
}

/// The sizes of a running guest's disks as its hypervisor sees them (virDomainGetBlockInfo).
public protocol DiskBlockInfo: RunningDomain {
    /// `disk`: a target ("vda") or source path. Throws libvirt's "invalid path X not assigned to domain".
    func blockInfo(disk: String) async throws -> BlockInfo
}
