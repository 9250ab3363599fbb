/// `<os>`: how the guest boots.
public struct DomainOS: Sendable, Equatable {
    /// `<type>` text; only "hvm" is supported.
    public var type: String = "hvm"
    public var arch: String?
    /// `firmware=`: chosen at start from the firmware descriptors (see Firmware.swift), with `firmwareFeatures`.
    public var firmware: FirmwareType?
    public var firmwareFeatures: FirmwareFeatures?
    public var loader: FirmwareLoader?
    public var nvram: NVRAMStore?
    /// Machine type as written (`pc`, `q35`, `microvm`, or versioned like `pc-i440fx-7.2`).
    public var machine: String?
    public var kernel: String?
    public var initrd: String?
    public var cmdline: String?
    /// `<boot dev=...>` in order.
    public var bootDevices: [BootDevice] = []
    public var bootMenu: BootMenu?
    public var smbiosMode: SMBIOSMode?
    /// `<bios useserial=... rebootTimeout=...>`: SeaBIOS console on the serial port, retry delay (ms; -1 never).
    public var biosUseSerial: Bool?
    public var biosRebootTimeout: Int?
    /// `<acpi><table type='slic'>PATH</table></acpi>`.
    public var slicTable: String?
    public init() {}
}

public enum BootDevice: String, Sendable, Equatable, CaseIterable { case hd, cdrom, fd, network }

public struct BootMenu: Sendable, Equatable {
    public var enable: Bool
    /// Milliseconds.
    public var timeout: Int?
    public init(enable: Bool, timeout: Int? = nil) {
        self.enable = enable
        self.timeout = timeout
    }
}

public enum SMBIOSMode: String, Sendable, Equatable, CaseIterable { case emulate, host, sysinfo }

/// `on`/`off` attributes.
public enum OnOff: String, Sendable, Equatable, CaseIterable { case on, off }

/// `<cpu>`.
public struct DomainCPU: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        case custom, maximum
        case hostModel = "host-model"
        case hostPassthrough = "host-passthrough"
    }
    public enum Match: String, Sendable, Equatable, CaseIterable { case minimum, exact, strict }
    public enum Check: String, Sendable, Equatable, CaseIterable { case none, partial, full }
    public enum Fallback: String, Sendable, Equatable, CaseIterable { case allow, forbid }
    public enum FeaturePolicy: String, Sendable, Equatable, CaseIterable {
        case force, require, optional, disable, forbid
    }
    public struct Model: Sendable, Equatable {
        public var name: String
        public var fallback: Fallback?
        public init(name: String, fallback: Fallback? = nil) {
            self.name = name
            self.fallback = fallback
        }
    }
    public struct Topology: Sendable, Equatable {
        public var sockets: Int
        public var dies: Int?
        public var cores: Int
        public var threads: Int
        public init(sockets: Int, dies: Int? = nil, cores: Int, threads: Int) {
            self.sockets = sockets
            self.dies = dies
            self.cores = cores
            self.threads = threads
        }
        public var total: Int { sockets * (dies ?? 1) * cores * threads }
    }
    public struct Feature: Sendable, Equatable {
        public var policy: FeaturePolicy
        public var name: String
        public init(policy: FeaturePolicy, name: String) {
            self.policy = policy
            self.name = name
        }
    }
    public var mode: Mode?
    public var match: Match?
    public var check: Check?
    public var migratable: OnOff?
    public var model: Model?
    public var topology: Topology?
    public var features: [Feature] = []
    /// `<numa><cell>`: the guest's NUMA nodes.
    public var numaCells: [NUMACell] = []
    public struct NUMACell: Sendable, Equatable {
        public enum MemAccess: String, Sendable, Equatable, CaseIterable { case shared, `private` }
        public var id: Int
        public var cpus: CPUSet?
        public var memoryKiB: UInt64
        public var memAccess: MemAccess?
        public var discard: Bool?
        public init(id: Int, cpus: CPUSet?, memoryKiB: UInt64) {
            self.id = id
            self.cpus = cpus
            self.memoryKiB = memoryKiB
        }
    }
    public init(mode: Mode? = nil) { self.mode = mode }
}

/// `<clock>`.
public struct DomainClock: Sendable, Equatable {
    public enum Offset: String, Sendable, Equatable, CaseIterable { case utc, localtime, timezone, variable, absolute }
    public enum Basis: String, Sendable, Equatable, CaseIterable { case utc, localtime }
    public enum TimerName: String, Sendable, Equatable, CaseIterable {
        case platform, pit, rtc, hpet, tsc, kvmclock, hypervclock, armvtimer
    }
    public enum TickPolicy: String, Sendable, Equatable, CaseIterable { case delay, catchup, merge, discard }
    public enum Track: String, Sendable, Equatable, CaseIterable { case boot, guest, wall, realtime }
    public enum TimerMode: String, Sendable, Equatable, CaseIterable { case auto, native, emulate, paravirt, smpsafe }
    public struct Timer: Sendable, Equatable {
        public var name: TimerName
        public var present: Bool?
        public var tickpolicy: TickPolicy?
        public var track: Track?
        /// tsc: Hz.
        public var frequency: UInt64?
        public var mode: TimerMode?
        public init(name: TimerName, present: Bool? = nil, tickpolicy: TickPolicy? = nil) {
            self.name = name
            self.present = present
            self.tickpolicy = tickpolicy
        }
    }
    public var offset: Offset = .utc
    /// utc/localtime with adjustment='reset'.
    public var resetAdjustment = false
    /// variable: seconds from `basis`.
    public var adjustment: Int64?
    public var basis: Basis?
    /// timezone: the zone name.
    public var timezone: String?
    /// absolute: seconds since the epoch.
    public var start: UInt64?
    public var timers: [Timer] = []
    public init(offset: Offset = .utc, timers: [Timer] = []) {
        self.offset = offset
        self.timers = timers
    }
}

/// `<pm>`: whether the guest may suspend to RAM / disk (nil = hypervisor default).
public struct PowerManagement: Sendable, Equatable {
    public var suspendToMem: Bool?
    public var suspendToDisk: Bool?
    public init(suspendToMem: Bool? = nil, suspendToDisk: Bool? = nil) {
        self.suspendToMem = suspendToMem
        self.suspendToDisk = suspendToDisk
    }
}

/// `<seclabel>`; only `type='none'` is supported (no sVirt/DAC labelling).
public struct SecurityLabel: Sendable, Equatable {
    public enum LabelType: String, Sendable, Equatable, CaseIterable { case none }
    public var type: LabelType = .none
    public var model: String?
    public init(type: LabelType = .none, model: String? = nil) {
        self.type = type
        self.model = model
    }
}
