import FoundationEssentials
import SwiftVirtCore

/// Builds the argv for `qemu-system-x86_64` 7.2 from a definition, in the order and spelling libvirt uses
/// where QEMU allows a choice, so logs and `domxml-to-native` read like libvirt's.
public struct QEMUCommandLine: Sendable, Equatable {
    /// Everything the argv depends on besides the definition.
    public struct Context: Sendable, Equatable {
        public var emulator: String
        public var accelerator: AcceleratorVerdict
        public var monitorSocketPath: String
        /// Where sockets for `<channel type='unix'>` without a path go (libvirt: .../channel/target/domain-N).
        public var channelDirectory: String
        /// Machine used when `<os><type machine>` is absent.
        public var defaultMachine: String
        /// Start with vCPUs stopped (libvirt always does, then sends `cont`).
        public var startPaused: Bool
        /// For `domxml-to-native`: nothing is started, so host devices the daemon would make at start (the taps
        /// of network interfaces) are shown by the names they would get.
        public var preview = false
        /// The control socket of the domain's swtpm (`<tpm><backend type='emulator'>`).
        public var swtpmSocketPath: String?
        /// When the guest starts: the RTC of a `variable`, `timezone` or `absolute` clock is computed from it.
        public var now: Date
        /// Open descriptors of host tap devices QEMU cannot open by name (macvtap), by `<target dev>`: QEMU
        /// inherits them and gets `-netdev tap,fd=N`.
        public var tapFDs: [String: Int32] = [:]
        /// The device models, audio drivers and SPICE support of the emulator.
        public var features: QEMUFeatures
        /// The port allocated for a SPICE display that needs one (see `spicePortsToAllocate`); nil where none is
        /// allocated (domxml-to-native), where 5901 stands for it as in libvirt.
        public var spicePort: Int?

        public init(
            emulator: String = "/usr/bin/qemu-system-x86_64", accelerator: AcceleratorVerdict,
            monitorSocketPath: String, channelDirectory: String, defaultMachine: String = "pc", startPaused: Bool = true,
            now: Date = Date(), features: QEMUFeatures = .debianQEMU72, spicePort: Int? = nil,
            swtpmSocketPath: String? = nil
        ) {
            self.now = now
            self.emulator = emulator
            self.accelerator = accelerator
            self.monitorSocketPath = monitorSocketPath
            self.channelDirectory = channelDirectory
            self.defaultMachine = defaultMachine
            self.startPaused = startPaused
            self.swtpmSocketPath = swtpmSocketPath
            self.features = features
            self.spicePort = spicePort
        }
    }

    public let executable: String
    public let arguments: [String]
    /// `[executable] + arguments`.
    public var argv: [String] { [executable] + arguments }

    public init(definition: DomainDefinition, context: Context) throws {
        // Kept configuration (defined, written back) that this driver would have to honour: it does not start.
        if let first = KeptConfiguration.firstUnsupported(definition) {
            throw QEMUCommandLineError.unsupported("\(first) is not supported by SwiftVirt's QEMU driver")
        }
        var builder = ArgumentBuilder(definition: definition, context: context)
        try builder.build()
        executable = definition.devices.emulator ?? context.emulator
        arguments = builder.args
    }
}

/// Doubles commas, QEMU's escape inside `key=value,...` option strings.
func qemuEscaped(_ value: String) -> String { value.replacing(",", with: ",,") }

/// Accumulates arguments; one method per section of the command line.
struct ArgumentBuilder {
    let def: DomainDefinition
    let ctx: QEMUCommandLine.Context
    var args: [String] = []

    init(definition: DomainDefinition, context: QEMUCommandLine.Context) {
        def = definition
        ctx = context
    }

    var machine: String { def.os.machine ?? ctx.defaultMachine }
    var isQ35: Bool { machine == "q35" || machine.hasPrefix("pc-q35") }
    var isMicrovm: Bool { machine == "microvm" }
    var rootBusName: String { isQ35 ? "pcie.0" : "pci.0" }

    mutating func add(_ option: String, _ value: String? = nil) {
        args.append(option)
        if let value { args.append(value) }
    }

    mutating func build() throws {
        add("-name", "guest=\(qemuEscaped(def.name)),debug-threads=on")
        if ctx.startPaused { add("-S") }
        try addPflashBlockdevs()
        try addMachine()
        try addAccelerator()
        try addCPU()
        try refuseUnhonouredTuning()
        addDomainLoader()
        try addMemory()
        addSMP()
        addIOThreads()
        try addSMBIOS()
        add("-uuid", def.uuid.description)
        if def.devices.graphics.isEmpty { add("-display", "none") }
        add("-no-user-config")
        add("-nodefaults")
        add("-chardev", "socket,id=charmonitor,path=\(qemuEscaped(ctx.monitorSocketPath)),server=on,wait=off")
        add("-mon", "chardev=charmonitor,id=monitor,mode=control")
        try addClock()
        add("-no-shutdown")
        if def.onReboot == .destroy { add("-no-reboot") }
        addPowerManagement()
        addBoot()
        try addIOMMU()
        try addControllers()
        try addMemoryModules()
        try addHubs()
        try addCCIDControllers()
        try addDisks()
        try addFilesystems()
        try addInterfaces()
        try addSmartcards()
        try addCharDevices()
        try addTPMs()
        try addInputs()
        try addAudio()
        try addGraphics()
        try addVideos()
        try addSounds()
        try addWatchdog()
        try addRedirdevs()
        try addBalloon()
        try addRNGs()
        if def.features.vmcoreinfo == .on { add("-device", "vmcoreinfo") }
        addACPITables()
        try addPanics()
        try addSharedMemory()
        add("-msg", "timestamp=on")
    }

    mutating func addMachine() throws {
        var options = [qemuEscaped(machine), "usb=off"]
        if let vmport = def.features.vmport { options.append("vmport=\(vmport.rawValue)") }
        options += smmMachineOptions
        switch def.features.ioapic {
        case .qemu?: options.append("kernel_irqchip=split")
        case .kvm?: options.append("kernel_irqchip=on")
        case nil: break
        }
        options.append("dump-guest-core=off")
        if def.tuning.memoryBacking?.nosharepages == true { options.append("mem-merge=off") }
        options += pflashMachineOptions
        if def.devices.generic.contains(where: { MemoryModule($0)?.model == .nvdimm }) { options.append("nvdimm=on") }
        if needsMemoryBackend { options.append("memory-backend=pc.ram") }
        if def.os.biosUseSerial == true { options.append("graphics=off") }
        if !def.features.acpi && !isMicrovm { options.append("acpi=off") }
        if let hpet = def.clock?.timers.first(where: { $0.name == .hpet }), hpet.present == false {
            options.append("hpet=off")
        }
        add("-machine", options.joined(separator: ","))
    }

    mutating func addAccelerator() throws {
        let dirtyRing = def.features.kvm.first { $0.name == .dirtyRing && $0.state == .on }?.size
        switch def.virtType {
        case .qemu:
            if dirtyRing != nil {
                throw QEMUCommandLineError.unsupported("<features/kvm/dirty-ring> on a TCG (type='qemu') domain")
            }
            add("-accel", "tcg")
        case .kvm:
            guard ctx.accelerator.isUsable else {
                throw QEMUCommandLineError.kvmNotUsable(
                    verdict: ctx.accelerator.name, reason: ctx.accelerator.reason ?? "unknown")
            }
            add("-accel", "kvm" + (dirtyRing.map { ",dirty-ring-size=\($0)" } ?? ""))
        case .test, .lxc:
            throw QEMUCommandLineError.unsupported("domain type '\(def.virtType.rawValue)' is not run by QEMU")
        }
    }

    mutating func addSMP() {
        let maximum = def.vcpus
        let current = def.currentVcpus ?? maximum
        var smp = "\(current)"
        if current != maximum { smp += ",maxcpus=\(maximum)" }
        if let t = def.cpu?.topology {
            smp += ",sockets=\(t.sockets)"
            if let dies = t.dies { smp += ",dies=\(dies)" }
            smp += ",cores=\(t.cores),threads=\(t.threads)"
        } else {
            smp += ",sockets=\(maximum),cores=1,threads=1"
        }
        add("-smp", smp)
    }

    mutating func addPowerManagement() {
        guard let pm = def.pm, !isMicrovm else { return }
        let device = isQ35 ? "ICH9-LPC" : "PIIX4_PM"
        if let mem = pm.suspendToMem { add("-global", "\(device).disable_s3=\(mem ? 0 : 1)") }
        if let disk = pm.suspendToDisk { add("-global", "\(device).disable_s4=\(disk ? 0 : 1)") }
    }

    mutating func addBoot() {
        // <os><boot dev=.../> becomes bootindex on the first device of each kind (see `effectiveBootIndex`), as
        // libvirt does; -boot keeps only the menu and strict.
        var parts: [String] = []
        if let menu = def.os.bootMenu {
            parts.append("menu=\(menu.enable ? "on" : "off")")
            if menu.enable, let timeout = menu.timeout { parts.append("splash-time=\(timeout)") }
        }
        if let timeout = def.os.biosRebootTimeout { parts.append("reboot-timeout=\(timeout)") }
        parts.append("strict=on")
        add("-boot", parts.joined(separator: ","))
        if let kernel = def.os.kernel { add("-kernel", kernel) }
        if let initrd = def.os.initrd { add("-initrd", initrd) }
        if let cmdline = def.os.cmdline { add("-append", cmdline) }
    }
}

extension ArgumentBuilder {
    /// The bootindex a disk or interface gets: its own `<boot order>`, else the position of its kind in
    /// `<os><boot dev>` if it is the first device of that kind (as qemuProcessPrepareDeviceBootorder).
    func effectiveBootIndex(disk index: Int) -> Int? {
        let disk = def.devices.disks[index]
        if let order = disk.bootOrder { return order }
        let kind: BootDevice
        switch disk.device {
        case .cdrom: kind = .cdrom
        case .floppy: kind = .fd
        default: kind = .hd
        }
        guard let position = def.os.bootDevices.lastIndex(of: kind) else { return nil }
        let first = def.devices.disks.firstIndex { d in
            switch kind {
            case .cdrom: d.device == .cdrom
            case .fd: d.device == .floppy
            default: d.device != .cdrom && d.device != .floppy
            }
        }
        return first == index ? position + 1 : nil
    }

    func effectiveBootIndex(interface index: Int) -> Int? {
        if let order = def.devices.interfaces[index].bootOrder { return order }
        guard index == 0, let position = def.os.bootDevices.lastIndex(of: .network) else { return nil }
        return position + 1
    }
}
