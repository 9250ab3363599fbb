/// libvirt's error numbers (virErrorNumber), as sent on the wire in `remote_error.code`.
public enum VirtErrorCode: Int32, Sendable {
    case internalError = 1
    case noSupport = 3
    case noConnect = 5
    case invalidArg = 8
    case operationFailed = 9
    case xmlError = 27
    case domainExists = 28
    case operationDenied = 29
    case xmlDetail = 35
    case systemError = 38
    case rpc = 39
    case noDomain = 42
    case noNetwork = 43
    case authFailed = 45
    case noStoragePool = 49
    case noStorageVolume = 50
    case operationInvalid = 55
    case configUnsupported = 67
    case operationTimeout = 68
    case argumentUnsupported = 74
    case agentUnresponsive = 86
    case operationUnsupported = 84
    case accessDenied = 88
    case storageVolumeExists = 90
}

/// libvirt's error domains (virErrorDomain): which subsystem raised the error.
public enum VirtErrorDomain: Int32, Sendable {
    case none = 0
    case rpc = 7
    case qemu = 10
    case test = 12
    case remote = 13
    case storage = 18
    case network = 19
    case domain = 20
    case nodeDevice = 22
    case interface = 26
    case secret = 30
    case nwfilter = 33
    case domainSnapshot = 35
    case streams = 38
    case domainCheckpoint = 69
}

/// An error as libvirt clients see it. Internal errors are typed enums in each target; they conform to
/// `LibvirtMappable` and are turned into this exactly once, at the RPC boundary.
public struct VirtError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: VirtErrorCode
    public var domain: VirtErrorDomain
    public var message: String

    public init(_ code: VirtErrorCode, domain: VirtErrorDomain = .domain, _ message: String) {
        self.code = code
        self.domain = domain
        self.message = message
    }

    public var description: String { message }
}

/// Implemented by every typed error that can reach a client.
public protocol LibvirtMappable: Error {
    var virtError: VirtError { get }
}

extension VirtError: LibvirtMappable {
    public var virtError: VirtError { self }
}
