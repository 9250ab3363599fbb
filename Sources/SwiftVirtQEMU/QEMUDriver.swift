import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

public struct QEMUDriverConfiguration: Sendable {
    /// Monitor sockets and pid files live under `runDirectory/qemu/`.
    public var runDirectory: String
    /// Per-domain logs: `logDirectory/NAME.log`.
    public var logDirectory: String
    /// Probe cache and other state that survives daemon restarts.
    public var stateDirectory: String
    public var emulatorPath: String
    /// How long `destroy` waits after SIGTERM before SIGKILL.
    public var shutdownGracePeriod: Duration
    /// How long `start` waits for QEMU's monitor.
    public var startTimeout: Duration
    /// Where `<os firmware=...>` finds QEMU's firmware descriptors, lowest priority first.
    public var firmwareDescriptorDirectories: [String]

    public init(
        runDirectory: String, logDirectory: String, stateDirectory: String,
        emulatorPath: String = "/usr/bin/qemu-system-x86_64", shutdownGracePeriod: Duration = .seconds(10),
        startTimeout: Duration = .seconds(30),
        firmwareDescriptorDirectories: [String] = ["/usr/share/qemu/firmware", "/etc/qemu/firmware"]
    ) {
        self.runDirectory = runDirectory
        self.logDirectory = logDirectory
        self.stateDirectory = stateDirectory
        self.emulatorPath = emulatorPath
        self.shutdownGracePeriod = shutdownGracePeriod
        self.startTimeout = startTimeout
        self.firmwareDescriptorDirectories = firmwareDescriptorDirectories
    }
}

/// The QEMU hypervisor driver: probes the accelerator and the emulator once, then starts and reattaches guests.
public final class QEMUDriver: HypervisorDriver {
    public let configuration: QEMUDriverConfiguration
    public let accelerator: AcceleratorVerdict
    public let capabilities: QEMUCapabilities
    let logger: Logger
    /// Device models, audio drivers and SPICE, probed when the first command line is built.
    let features: QEMUFeatureCache
    /// Ports of SPICE displays.
    let displayPorts = DisplayPortAllocator()

    public var scheme: String { "qemu" }
    public var errorDomain: VirtErrorDomain { .qemu }
    public var typeName: String { "QEMU" }

    public init(configuration: QEMUDriverConfiguration, logger: Logger) async {
        self.configuration = configuration
        self.logger = logger
        features = QEMUFeatureCache(emulator: configuration.emulatorPath)
        accelerator = await AcceleratorProbe(logger: logger).verdict(stateDirectory: configuration.stateDirectory)
            .verdict
        do {
            let emulator = configuration.emulatorPath
            capabilities = try await BlockingIO.run { try QEMUCapabilities.probe(emulator: emulator) }
        } catch {
            logger.error("cannot query \(configuration.emulatorPath): \(error)")
            capabilities = QEMUCapabilities(emulator: configuration.emulatorPath, version: 0, machines: [])
        }
    }

    public func hypervisorVersion() async -> UInt64 { capabilities.version }

    public func capabilitiesXML() async -> String {
        let machineID = (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))
            .flatMap { DomainUUID(string: $0.trimmingWhitespace()) }
        return QEMUCapabilitiesXML(capabilities: capabilities, verdict: accelerator)
            .capabilitiesDocument(hostUUID: machineID?.description, topology: HostTopologyReader.read())
    }

    public func domainCapabilitiesXML(emulator: String?, arch: String?, machine: String?, virtType: String?)
        async throws -> String
    {
        if let emulator, emulator != capabilities.emulator { throw QEMUDomainError.wrongEmulator(emulator) }
        if let arch, arch != "x86_64" { throw QEMUDomainError.unsupportedArch(arch) }
        let type = virtType ?? (accelerator.isUsable ? "kvm" : "qemu")
        switch type {
        case "qemu": break
        case "kvm":
            guard accelerator.isUsable else {
                throw QEMUCommandLineError.kvmNotUsable(verdict: accelerator.name, reason: accelerator.reason ?? "")
            }
        default:
            throw QEMUCommandLineError.unsupported("virtualization type '\(type)'")
        }
        let requested = machine ?? capabilities.defaultMachine
        guard let canonical = capabilities.canonicalMachine(requested) else {
            throw QEMUDomainError.unknownMachine(requested)
        }
        let directories = configuration.firmwareDescriptorDirectories
        let descriptors = try await BlockingIO.run { try FirmwareDescriptor.loadAll(directories: directories) }
        var document = QEMUCapabilitiesXML(capabilities: capabilities, verdict: accelerator)
        if await features.features().spice { document.graphicsTypes = ["vnc", "spice"] }
        return document.domainCapabilitiesDocument(
            machine: canonical, virtType: type,
            os: DomainCapabilitiesFirmwareTPM.os(descriptors: descriptors, machine: canonical, arch: "x86_64"),
            tpm: DomainCapabilitiesFirmwareTPM.tpm(swtpmInstalled: access(SWTPM.binary, X_OK) == 0))
    }

    public func prepareDefinition(_ definition: inout DomainDefinition) throws {
        guard definition.virtType == .qemu || definition.virtType == .kvm else {
            throw QEMUDomainError.unsupportedVirtType(definition.virtType.rawValue, emulator: configuration.emulatorPath)
        }
        if let arch = definition.os.arch, arch != "x86_64" { throw QEMUDomainError.unsupportedArch(arch) }
        definition.os.arch = "x86_64"
        if definition.devices.emulator == nil { definition.devices.emulator = configuration.emulatorPath }
        if let emulator = definition.devices.emulator, !FileManager.default.isExecutableFile(atPath: emulator) {
            throw QEMUDomainError.wrongEmulator(emulator)
        }
        let machine = definition.os.machine ?? capabilities.defaultMachine
        if !capabilities.machines.isEmpty {
            guard let canonical = capabilities.canonicalMachine(machine) else {
                throw QEMUDomainError.unknownMachine(machine)
            }
            definition.os.machine = canonical
        } else {
            definition.os.machine = machine
        }
        if definition.virtType == .kvm && !accelerator.isUsable {
            throw QEMUCommandLineError.kvmNotUsable(verdict: accelerator.name, reason: accelerator.reason ?? "")
        }
        try applyDefaults(&definition)
        try QEMUFirmwareAndTPMRules.validate(definition, emulator: definition.devices.emulator ?? configuration.emulatorPath)
        try QEMUDefineChecks.check(definition)
        try QEMUDiskEncryption.check(definition)
    }

    public func applyDefaults(_ definition: inout DomainDefinition) throws {
        try definition.applyDefaults()
        try QEMUDefinitionRules.check(definition)
        QEMUFirmwareAndTPMRules.applyDefaults(&definition, nvramDirectory: nvramDirectory)
        QEMUDiskEncryption.applyDefaults(&definition)
    }

    /// Where `<watchdog action='dump'>` dumps go (libvirt's auto_dump_path).
    var autoDumpDirectory: String { "\(configuration.stateDirectory)/qemu/dump" }

    /// Paths a domain uses while it runs.
    struct DomainPaths {
        let directory: String
        let monitor: String
        let pidFile: String
        let log: String
        let swtpmSocket: String
    }

    func paths(for definition: DomainDefinition, id: Int32) -> DomainPaths {
        let qemuDir = "\(configuration.runDirectory)/qemu"
        let directory = "\(qemuDir)/domain-\(id)-\(definition.name.prefix(20))"
        return DomainPaths(
            directory: directory, monitor: "\(directory)/monitor.sock", pidFile: "\(qemuDir)/\(definition.name).pid",
            log: "\(configuration.logDirectory)/\(definition.name).log",
            swtpmSocket: swtpm.socketPath(id: id, name: definition.name))
    }

    func commandLine(
        for definition: DomainDefinition, paths: DomainPaths, features: QEMUFeatures, spicePort: Int? = nil,
        tapFDs: [String: Int32] = [:], preview: Bool = false
    ) throws -> QEMUCommandLine {
        var context = QEMUCommandLine.Context(
            emulator: configuration.emulatorPath, accelerator: accelerator, monitorSocketPath: paths.monitor,
            channelDirectory: paths.directory, defaultMachine: capabilities.defaultMachine, startPaused: true,
            features: features, spicePort: spicePort, swtpmSocketPath: paths.swtpmSocket)
        context.tapFDs = tapFDs
        context.preview = preview
        return try QEMUCommandLine(definition: definition, context: context)
    }

    public func nativeCommandLine(for definition: DomainDefinition) async throws -> [String] {
        let prepared = try await prepareStart(definition)
        return try commandLine(
            for: prepared, paths: paths(for: prepared, id: -1), features: await features.features(), preview: true
        ).argv
    }

    /// `qemu-argv`: as libvirt prints it, the environment QEMU starts with, then the command line, shell-quoted.
    public func nativeConfig(format: String, for definition: DomainDefinition) async throws -> String {
        guard format == "qemu-argv" else {
            throw VirtError(.invalidArg, detail: "unsupported config type \(format)")
        }
        let env = QEMUProcess.defaultEnvironment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let argv = try await nativeCommandLine(for: definition)
        return (env + argv).map(QEMUProcess.shellQuoted).joined(separator: " ") + "\n"
    }

    public func start(_ definition: DomainDefinition, id: Int32, paused: Bool, observer: any DomainObserver)
        async throws -> any RunningDomain
    {
        try await QEMUDomainLauncher(driver: self, definition: definition).start(
            id: id, paused: paused, observer: observer)
    }

    public func reattach(_ definition: DomainDefinition, status: [UInt8], observer: any DomainObserver)
        async throws -> any RunningDomain
    {
        try await QEMUDomainLauncher(driver: self, definition: definition).reattach(
            status: QEMUDomainStatus.decode(status), observer: observer)
    }
}
