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

/// `<features>`: presence flags plus vmport's explicit state.
public struct DomainFeatures: Sendable, Equatable {
    public var acpi = false
    public var apic = false
    public var pae = false
    public var vmport: OnOff?
    /// `<smm state=...>`: System Management Mode, which secure boot needs.
    public var smm: OnOff?
    public init(acpi: Bool = false, apic: Bool = false, pae: Bool = false, vmport: OnOff? = nil) {
        self.acpi = acpi
        self.apic = apic
        self.pae = pae
        self.vmport = vmport
    }
    public var isEmpty: Bool { !acpi && !apic && !pae && vmport == nil && smm == nil }
}

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
    public init(mode: Mode? = nil) { self.mode = mode }
}

/// `<clock>`.
public struct DomainClock: Sendable, Equatable {
    public enum Offset: String, Sendable, Equatable, CaseIterable { case utc, localtime }
    public enum TimerName: String, Sendable, Equatable, CaseIterable {
        case platform, pit, rtc, hpet, tsc, kvmclock, hypervclock, armvtimer
    }
    public enum TickPolicy: String, Sendable, Equatable, CaseIterable { case delay, catchup, merge, discard }
    public struct Timer: Sendable, Equatable {
        public var name: TimerName
        public var present: Bool?
        public var tickpolicy: TickPolicy?
        public init(name: TimerName, present: Bool? = nil, tickpolicy: TickPolicy? = nil) {
            self.name = name
            self.present = present
            self.tickpolicy = tickpolicy
        }
    }
    public var offset: Offset = .utc
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
