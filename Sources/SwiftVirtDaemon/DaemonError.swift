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
        switch self {
        case .noDomainNamed(let name):
            return VirtError(.noDomain, "Domain not found: no domain with matching name '\(name)'")
        case .noDomainUUID(let uuid):
            return VirtError(.noDomain, "Domain not found: no domain with matching uuid '\(uuid)'")
        case .noDomainID(let id):
            return VirtError(.noDomain, "Domain not found: no domain with matching id \(id)")
        case .domainNameTaken(let name, let uuid):
            return VirtError(.operationFailed, "operation failed: domain '\(name)' already exists with uuid \(uuid)")
        case .uuidTaken(let existing, let uuid):
            return VirtError(
                .operationFailed, "operation failed: domain '\(existing)' is already defined with uuid \(uuid)")
        case .domainAlreadyActive(let name):
            return VirtError(.operationInvalid, "Requested operation is not valid: domain '\(name)' is already active")
        case .domainNotRunning(let name):
            return VirtError(.operationInvalid, "Requested operation is not valid: domain '\(name)' is not running")
        case .domainBusy(let name):
            return VirtError(
                .operationInvalid, "Requested operation is not valid: domain '\(name)' is being started or stopped")
        case .invalidTransition(let name, let target):
            return VirtError(
                .operationInvalid, "Requested operation is not valid: domain '\(name)' cannot become \(target) now")
        case .transientUndefine(let name):
            return VirtError(
                .operationInvalid, "Requested operation is not valid: cannot undefine transient domain '\(name)'")
        case .transientAutostart(let name):
            return VirtError(
                .operationInvalid,
                "Requested operation is not valid: cannot set autostart for transient domain '\(name)'")
        case .readOnly(let procedure):
            return VirtError(
                .operationDenied, domain: .remote, "operation forbidden: read only access prevents \(procedure)")
        case .unsupportedFlags(let procedure, let flags):
            return VirtError(
                .invalidArg, domain: .remote,
                "invalid argument: \(procedure): unsupported flags (0x\(String(flags, radix: 16)))")
        case .unsupported(let what):
            return VirtError(.noSupport, "this function is not supported by the connection driver: \(what)")
        case .connectionNotOpen:
            return VirtError(.noConnect, domain: .remote, "no connection driver available: connection not open")
        case .consoleBusy(let name):
            return VirtError(.operationFailed, "operation failed: Active console session exists for domain '\(name)'")
        case .persistence(let message):
            return VirtError(.operationFailed, "operation failed: \(message)")
        case .invalidArgument(let message):
            return VirtError(.invalidArg, "invalid argument: \(message)")
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
        return VirtError(.internalError, "internal error: \(self)")
    }
}
