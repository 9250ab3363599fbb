/// Optional abilities of a running domain for live changes (virDomainSetMemory, virDomainSendKey,
/// virDomainScreenshot, virDomainSetVcpus). A running domain adopts the ones its hypervisor offers; the daemon
/// answers "not supported" for the rest.

extension DomainObserver {
    public func domainBalloonChanged(_ uuid: DomainUUID, actualKiB: UInt64) async {}
}

/// The memory balloon of a running guest.
public protocol GuestBalloon: RunningDomain {
    /// Asks the guest to give memory back until it has `kib` KiB. Without a balloon device (or with the guest's
    /// driver missing) throws libvirt's "Unable to change memory of active domain without the balloon device".
    func setBalloonTarget(kib: UInt64) async throws
}

/// Input and output of a running guest's console: keys pressed, screens captured.
public protocol GuestConsoleIO: RunningDomain {
    /// Presses `keys` (QEMU "qcode" numbers, i.e. XT scancodes with 0xe0 prefixes folded in) together and
    /// releases them after `holdMilliseconds` (0: the hypervisor's default).
    func sendKeys(_ keys: [UInt32], holdMilliseconds: UInt32) async throws
    /// Captures screen `screen`: the image's MIME type ("image/png", or "image/x-portable-pixmap" when the
    /// hypervisor cannot write PNG) and its bytes.
    func screenshot(screen: UInt32) async throws -> (mime: String, image: [UInt8])
}

/// What one online vCPU of a running guest is doing (virDomainGetVcpus).
public struct VCPURuntime: Sendable, Equatable {
    /// The vCPU's index, and its thread's CPU time.
    public var index: Int, cpuTimeNanoseconds: UInt64
    /// The host CPU its thread last ran on, and the host CPUs it may run on.
    public var hostCPU: Int32, affinity: CPUSet?
    public init(index: Int, cpuTimeNanoseconds: UInt64, hostCPU: Int32, affinity: CPUSet?) {
        (self.index, self.cpuTimeNanoseconds) = (index, cpuTimeNanoseconds)
        (self.hostCPU, self.affinity) = (hostCPU, affinity)
    }
}

/// vCPU hotplug of a running guest.
public protocol GuestVCPUHotplug: RunningDomain {
    /// Brings the online vCPU count to `count` by plugging or unplugging vCPUs; returns the count reached.
    /// Throws `VCPUHotplugPartial` when it failed after changing some.
    func setOnlineVCPUs(_ count: Int) async throws -> Int
    /// The online vCPUs, in index order, with their threads' CPU time, host CPU and affinity.
    func vcpuRuntime() async throws -> [VCPURuntime]
    /// The vCPUs the guest agent reports: all of them (`maximum`) or the online ones.
    func agentVCPUCount(maximum: Bool) async throws -> Int
    /// Onlines or offlines vCPUs inside the guest through its agent.
    func setAgentVCPUs(_ count: Int) async throws
}

/// A vCPU hotplug that failed part-way: how many vCPUs are online now, and why it stopped.
public struct VCPUHotplugPartial: Error, Sendable {
    public var reached: Int
    public var error: any Error
    public init(reached: Int, error: any Error) {
        self.reached = reached
        self.error = error
    }
}

/// Direct connections to a running guest's graphics server (virDomainOpenGraphicsFD), for clients that cannot
/// reach its listen address or should not need its password.
public protocol GuestGraphicsAccess: RunningDomain {
    /// Makes a socket pair, hands one end to the server of graphics device `index` as a new client
    /// (authenticated already when `skipAuth`) and returns the other end, which the caller owns.
    func openGraphics(index: UInt32, skipAuth: Bool) async throws -> Int32
    /// Hands the caller's connected socket to the server of graphics device `index` as a new client; the
    /// caller keeps (and closes) its descriptor.
    func attachGraphicsClient(index: UInt32, skipAuth: Bool, socket: Int32) async throws
}
