// CONTRACT: names used by other targets must stay: DomainDefinition.{virtType,name,uuid,memoryKiB,currentMemoryKiB,
// vcpus,os,onPoweroff,onReboot,onCrash,devices}, DomainUUID, DomainRuntimeInfo, DomainVirtType, LifecycleAction.

/// `<domain type=...>`: which driver runs the guest. Each driver accepts only its own (see `prepareDefinition`).
public enum DomainVirtType: String, Sendable, Codable, CaseIterable { case qemu, kvm, test, lxc }

public enum LifecycleAction: String, Sendable, Codable, CaseIterable {
    case destroy, restart, preserve
    case renameRestart = "rename-restart"
    case coredumpDestroy = "coredump-destroy"
    case coredumpRestart = "coredump-restart"
}

/// Facts that exist only while a domain runs and appear in its live XML.
public struct DomainRuntimeInfo: Sendable, Equatable {
    public var id: Int32
    /// Host pty path per character device alias (e.g. "serial0" -> "/dev/pts/3").
    public var ptyPaths: [String: String]
    public var vncPort: Int?
    public var vncWebsocketPort: Int?
    /// The SPICE display's ports, as the driver allocated them at start.
    public var spicePort: Int?
    public var spiceTLSPort: Int?
    /// The address a VNC or SPICE display listens on when its `<listen type='address'>` names none (the
    /// driver's default), shown in live XML as libvirt does: clients such as virt-viewer read it there.
    public var defaultListenAddress: String?
    /// Unix sockets the driver placed for character devices that name none, by alias (live XML's `<source>`).
    public var charDeviceSockets: [String: String] = [:]
    /// Guest-physical base of each memory module (DIMM) by alias, as the hypervisor placed it at start.
    public var memoryModuleBases: [String: UInt64] = [:]
    /// What each virtio-mem device has plugged into the guest (bytes) by alias, kept current from the hypervisor.
    public var memoryModuleSizes: [String: UInt64] = [:]
    /// What the driver opened for each disk, by target (live XML's `index` and `<backingStore>`).
    public var diskSources: [String: DiskLiveSource] = [:]
    /// The driver reports `diskSources` (QEMU's does, the test driver's does not): a drive without an entry
    /// was empty at start.
    public var diskSourcesKnown = false
    /// The `<cpu>` as the driver found the guest's vCPUs after start (libvirt's check='full' form), and the one
    /// migratable XML shows (what the guest was started with); nil: the definition's.
    public var liveCPU: DomainCPU?
    public var startCPU: DomainCPU?
    public init(
        id: Int32, ptyPaths: [String: String] = [:], vncPort: Int? = nil, vncWebsocketPort: Int? = nil,
        spicePort: Int? = nil, spiceTLSPort: Int? = nil, defaultListenAddress: String? = nil
    ) {
        self.defaultListenAddress = defaultListenAddress
        self.id = id
        self.ptyPaths = ptyPaths
        self.vncPort = vncPort
        self.vncWebsocketPort = vncWebsocketPort
        self.spicePort = spicePort
        self.spiceTLSPort = spiceTLSPort
    }
}

/// `<vcpu placement=...>`.
public enum VCPUPlacement: String, Sendable, Equatable, CaseIterable { case `static`, auto }

/// A libvirt domain definition: the subset of `<domain>` SwiftVirt understands, as plain values.
public struct DomainDefinition: Sendable, Equatable {
    public var virtType: DomainVirtType = .qemu
    /// What the document carried that the model does not represent, by keyed path (see `XMLKeeper`): written
    /// back by `DomainXML.format`, refused at start by a driver that would have to act on it.
    public var kept: [String: XMLExtras] = [:]
    public var name: String = ""
    public var uuid: DomainUUID = .random()
    public var title: String?
    public var description: String?
    /// `<metadata>`: the applications' own elements, one per XML namespace.
    public var metadata: [KeptXML]?
    public var memoryKiB: UInt64 = 0
    public var currentMemoryKiB: UInt64 = 0
    /// Maximum vCPU count (`<vcpu>` text).
    public var vcpus: Int = 1
    public var vcpuPlacement: VCPUPlacement?
    /// `<vcpu current=...>`: vCPUs online at boot; nil means all of `vcpus`.
    public var currentVcpus: Int?
    /// `<maxMemory>`, `<memtune>`, `<memoryBacking>`, `<vcpus>`, iothreads, `<cputune>`, `<numatune>`.
    public var tuning = DomainTuning()
    /// `<sysinfo>`, at most one per type.
    public var sysinfo: [SysInfo] = []
    public var os: DomainOS = DomainOS()
    public var features: DomainFeatures = DomainFeatures()
    public var cpu: DomainCPU?
    public var clock: DomainClock?
    public var onPoweroff: LifecycleAction = .destroy
    public var onReboot: LifecycleAction = .restart
    public var onCrash: LifecycleAction = .destroy
    public var pm: PowerManagement?
    public var devices: DomainDevices = DomainDevices()
    public var seclabel: SecurityLabel?
    /// Where top-level elements were in the parsed text (not part of equality).
    public var sourceLines: SourceLines = SourceLines()
    public init() {}
}

/// Line numbers of parsed elements, keyed by element path (e.g. "currentMemory"). Equality ignores it on
/// purpose: two definitions with the same content are equal whatever text they came from.
public struct SourceLines: Sendable, Equatable {
    public var lines: [String: Int] = [:]
    public init() {}
    public subscript(_ path: String) -> Int? {
        get { lines[path] }
        set { lines[path] = newValue }
    }
    public static func == (lhs: SourceLines, rhs: SourceLines) -> Bool { true }
}

/// The line a device came from in parsed text. Equality ignores it (see `SourceLines`).
public struct SourceLine: Sendable, Equatable {
    public var line: Int?
    public init(_ line: Int? = nil) { self.line = line }
    public static func == (lhs: SourceLine, rhs: SourceLine) -> Bool { true }
}
