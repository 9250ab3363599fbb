/// `<features>`: hypervisor features the guest sees. Each is acted on by the QEMU driver (machine, -cpu or
/// device options); anything else under `<features>` is kept and refused at start.
public struct DomainFeatures: Sendable, Equatable {
    public var acpi = false
    public var apic = false
    /// `<apic eoi='on|off'/>`: paravirtual end-of-interrupt.
    public var apicEOI: OnOff?
    public var pae = false
    public var hap: OnOff?
    public var hyperv: HyperV?
    public var kvm: [KVMFeature] = []
    public var pvspinlock: OnOff?
    public var pmu: OnOff?
    public var vmport: OnOff?
    public var smm: OnOff?
    public var ioapic: IOAPICDriver?
    public var vmcoreinfo: OnOff?

    public enum IOAPICDriver: String, Sendable, Equatable, CaseIterable { case kvm, qemu }

    /// `<hyperv mode=...>` and its enlightenments, each at most once.
    public struct HyperV: Sendable, Equatable {
        public enum Mode: String, Sendable, Equatable, CaseIterable { case custom, passthrough }
        public enum Name: String, Sendable, Equatable, CaseIterable, Comparable {
            case relaxed, vapic, spinlocks, vpindex, runtime, synic, stimer, reset
            case vendorID = "vendor_id"
            case frequencies, reenlightenment, tlbflush, ipi, evmcs, avic
            public static func < (a: Name, b: Name) -> Bool {
                allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
            }
        }
        public struct Feature: Sendable, Equatable {
            public var name: Name
            public var state: OnOff
            /// spinlocks: retries before notifying the hypervisor (≥ 4095).
            public var retries: Int?
            /// vendor_id: up to 12 characters.
            public var value: String?
            /// stimer: `<direct state=.../>`.
            public var direct: OnOff?
            public init(name: Name, state: OnOff, retries: Int? = nil, value: String? = nil) {
                self.name = name
                self.state = state
                self.retries = retries
                self.value = value
            }
        }
        public var mode: Mode = .custom
        /// In libvirt's order (the order of `Name`).
        public var features: [Feature] = []
        public init(mode: Mode = .custom, features: [Feature] = []) {
            self.mode = mode
            self.features = features
        }
        public func state(_ name: Name) -> OnOff? { features.first { $0.name == name }?.state }
    }

    /// `<kvm><hidden state=.../>...`.
    public struct KVMFeature: Sendable, Equatable {
        public enum Name: String, Sendable, Equatable, CaseIterable {
            case hidden
            case hintDedicated = "hint-dedicated"
            case pollControl = "poll-control"
            case pvIPI = "pv-ipi"
            case dirtyRing = "dirty-ring"
        }
        public var name: Name
        public var state: OnOff
        /// dirty-ring: ring size (a power of two, 1024–65536).
        public var size: Int?
        public init(name: Name, state: OnOff, size: Int? = nil) {
            self.name = name
            self.state = state
            self.size = size
        }
    }

    public init(acpi: Bool = false, apic: Bool = false, pae: Bool = false, vmport: OnOff? = nil) {
        self.acpi = acpi
        self.apic = apic
        self.pae = pae
        self.vmport = vmport
    }

    public var isEmpty: Bool { self == DomainFeatures() }
}
