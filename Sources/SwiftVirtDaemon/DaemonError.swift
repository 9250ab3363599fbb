import SwiftVirtCore

/// Errors the daemon itself raises; mapped to libvirt's codes once, in `virtError`.
enum DaemonError: LibvirtMappable, Equatable {
    case noDomainNamed(String)
    case noDomainUUID(DomainUUID)
    case noDomainID(Int32)
    case domainNameTaken(name: String, uuid: DomainUUID)
    case uuidTaken(existingName: String, uuid: DomainUUID)
    case domainAlreadyActive(String)
    case domainNotRunning(String)
    case domainBusy(String)
    /// A phase change the domain's current phase does not allow (see `DomainPhase`).
    case invalidTransition(String, to: String)
    case transientUndefine(String)
    case transientAutostart(String)
    case readOnly(procedure: String)
    case unsupportedFlags(procedure: String, flags: UInt32)
    case unsupported(String)
    case connectionNotOpen
    case consoleBusy(String)
    case persistence(String)
    case invalidArgument(String)

    /// As libvirtd reports them, domain-level failures come from the connection driver's error domain
    /// (VIR_FROM_QEMU, VIR_FROM_TEST); `asVirtError(driverDomain:)` puts it in. Without a connection: QEMU's.
    var virtError: VirtError { virtError(driverDomain: .qemu) }

    func virtError(driverDomain: VirtErrorDomain) -> VirtError {
        var mapped = unmapped
        if mapped.domain == .domain { mapped.domain = driverDomain }
        return mapped
    }

    private var unmapped: VirtError {
        let (code, domain, detail) = parts
        return VirtError(code, domain: domain, detail: detail)
    }

    /// Code, error domain (`.domain`: the driver's, put in by `virtError(driverDomain:)`) and detail.
    private var parts: (VirtErrorCode, VirtErrorDomain, String) {
        switch self {
        case .noDomainNamed(let name): return (.noDomain, .domain, "no domain with matching name '\(name)'")
        case .noDomainUUID(let uuid): return (.noDomain, .domain, "no domain with matching uuid '\(uuid)'")
        case .noDomainID(let id): return (.noDomain, .domain, "no domain with matching id \(id)")
        case .domainNameTaken(let name, let uuid):
            return (.operationFailed, .domain, "domain '\(name)' already exists with uuid \(uuid)")
        case .uuidTaken(let existing, let uuid):
            return (.operationFailed, .domain, "domain '\(existing)' is already defined with uuid \(uuid)")
        case .domainAlreadyActive(let name): return (.operationInvalid, .domain, "domain '\(name)' is already active")
        case .domainNotRunning(let name): return (.operationInvalid, .domain, "domain '\(name)' is not running")
        case .domainBusy(let name):
            return (.operationInvalid, .domain, "domain '\(name)' is being started or stopped")
        case .invalidTransition(let name, let target):
            return (.operationInvalid, .domain, "domain '\(name)' cannot become \(target) now")
        case .transientUndefine(let name):
            return (.operationInvalid, .domain, "cannot undefine transient domain '\(name)'")
        case .transientAutostart(let name):
            return (.operationInvalid, .domain, "cannot set autostart for transient domain '\(name)'")
        case .readOnly(let procedure): return (.operationDenied, .remote, "read only access prevents \(procedure)")
        case .unsupportedFlags(let procedure, let flags):
            return (.invalidArg, .remote, "\(procedure): unsupported flags (0x\(String(flags, radix: 16)))")
        case .unsupported(let what): return (.noSupport, .domain, what)
        // libvirtd's words for a call before CONNECT_OPEN (remoteGetHypervisorConn).
        case .connectionNotOpen: return (.internalError, .rpc, "hypervisor connection not open")
        case .consoleBusy(let name):
            return (.operationFailed, .domain, "Active console session exists for domain '\(name)'")
        case .persistence(let message): return (.operationFailed, .domain, message)
        case .invalidArgument(let message): return (.invalidArg, .domain, message)
        }
    }
}

extension Error {
    /// The one place any error becomes what a libvirt client sees.
    var asVirtError: VirtError { asVirtError(driverDomain: .qemu) }

    /// As `asVirtError`, with the daemon's own domain-level errors reported from `driverDomain`.
    func asVirtError(driverDomain: VirtErrorDomain) -> VirtError {
        if let daemon = self as? DaemonError { return daemon.virtError(driverDomain: driverDomain) }
        if let mapped = self as? any LibvirtMappable { return mapped.virtError }
        return VirtError(.internalError, detail: "\(self)")
    }
}
