// VirtErrorCode, with libvirt's messages for each code, is generated: Generated/ErrorTable.swift.

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
