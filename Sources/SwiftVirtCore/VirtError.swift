// VirtErrorCode, with libvirt's messages for each code, is generated: Generated/ErrorTable.swift.

/// libvirt's error domains (virErrorDomain): which subsystem raised the error.
public enum VirtErrorDomain: Int32, Sendable {
    case none = 0
    case xml = 5
    case rpc = 7
    case qemu = 10
    /// VIR_FROM_NET: libvirt's host network device helpers.
    case net = 11
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

/// An error as libvirt clients see it: libvirt's code, the subsystem that raised it, and the message libvirt would
/// send, made as libvirt's `virReportError` makes it: the code's own message (Generated/ErrorTable.swift, from
/// virerror.c) around the detail, e.g. `VirtError(.operationInvalid, detail: "domain is not running")` is
/// "Requested operation is not valid: domain is not running", or the code's bare message without a detail. Throw
/// sites give only the detail, never a prefix. Internal errors are typed enums in each target; they conform to
/// `LibvirtMappable` and are turned into this exactly once, at the RPC boundary.
public struct VirtError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: VirtErrorCode
    public var domain: VirtErrorDomain
    /// What clients get (`remote_error.message`).
    public var message: String
    /// What failed underneath (a child process, a system call, a decoder), for the daemon's log; never sent.
    public var cause: (any Error & Sendable)?

    public init(
        _ code: VirtErrorCode, domain: VirtErrorDomain = .domain, detail: String? = nil,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.domain = domain
        self.message = Self.message(code, detail: detail)
        self.cause = cause
    }

    /// libvirt's message for `code`: its bare form without a detail, else its form with the detail put in (as
    /// `virErrorMsg` picks the format and `virReportErrorHelper` fills it).
    public static func message(_ code: VirtErrorCode, detail: String?) -> String {
        guard let detail else { return code.bareMessage }
        let form = code.detailForm
        return form.before + detail + form.after
    }

    /// Equal when a client would see the same error; the cause is not compared.
    public static func == (a: VirtError, b: VirtError) -> Bool {
        a.code == b.code && a.domain == b.domain && a.message == b.message
    }

    public var description: String { message }

    /// The message and, when there is one, the cause: for the daemon's log.
    public var logDescription: String {
        guard let cause else { return message }
        return "\(message) (cause: \(cause))"
    }
}

/// Implemented by every typed error that can reach a client.
public protocol LibvirtMappable: Error {
    var virtError: VirtError { get }
}

extension VirtError: LibvirtMappable {
    public var virtError: VirtError { self }
}
