import SwiftVirtCore

/// Errors of the network driver, mapped to libvirt's codes in the network error domain.
enum NetworkError: LibvirtMappable {
    case noNetworkNamed(String)
    case noNetworkUUID(DomainUUID)
    /// Another network has this name (with the uuid given).
    case nameTaken(String, uuid: DomainUUID)
    /// Another network (named here) has this uuid.
    case uuidTaken(existingName: String, uuid: DomainUUID)
    /// net-create of a network that is already defined and running.
    case activeAs(String)
    case conflict(String)
    case alreadyActive(String)
    case notActive(String)
    case transient(String, action: String)
    case bridgeInUse(String)
    case noHostBridge(String)
    case inUse(network: String, by: [String])
    case unsupported(String)
    /// VIR_ERR_NO_SUPPORT, as libvirt reports net-update requests it cannot do.
    case noSupport(String)
    /// VIR_ERR_OPERATION_INVALID with libvirt's own wording.
    case invalid(String)

    var virtError: VirtError {
        switch self {
        case .noNetworkNamed(let name):
            return VirtError(.noNetwork, domain: .network, "Network not found: no network with matching name '\(name)'")
        case .noNetworkUUID(let uuid):
            return VirtError(.noNetwork, domain: .network, "Network not found: no network with matching uuid '\(uuid)'")
        case .nameTaken(let name, let uuid):
            return VirtError(
                .operationFailed, domain: .network,
                "operation failed: network '\(name)' already exists with uuid \(uuid)")
        case .uuidTaken(let existing, let uuid):
            return VirtError(
                .operationFailed, domain: .network,
                "operation failed: network '\(existing)' is already defined with uuid \(uuid)")
        case .activeAs(let name):
            return VirtError(
                .operationInvalid, domain: .network,
                "Requested operation is not valid: network is already active as '\(name)'")
        case .conflict(let why):
            return VirtError(.operationFailed, domain: .network, "operation failed: \(why)")
        case .alreadyActive(let name):
            return VirtError(
                .operationInvalid, domain: .network,
                "Requested operation is not valid: network '\(name)' is already active")
        case .notActive(let name):
            return VirtError(
                .operationInvalid, domain: .network, "Requested operation is not valid: network '\(name)' is not active"
            )
        case .transient(let name, let action):
            return VirtError(
                .operationInvalid, domain: .network,
                "Requested operation is not valid: cannot \(action) transient network '\(name)'")
        case .bridgeInUse(let bridge):
            return VirtError(
                .operationFailed, domain: .network,
                "operation failed: bridge '\(bridge)' already exists on the host; pick another <bridge name>")
        case .noHostBridge(let bridge):
            return VirtError(
                .operationFailed, domain: .network, "operation failed: host bridge '\(bridge)' does not exist")
        case .inUse(let network, let domains):
            return VirtError(
                .operationInvalid, domain: .network,
                "Requested operation is not valid: network '\(network)' is used by running domains: "
                    + domains.joined(separator: ", "))
        case .noSupport(let what):
            return VirtError(
                .noSupport, domain: .network, "this function is not supported by the connection driver: \(what)")
        case .invalid(let what):
            return VirtError(.operationInvalid, domain: .network, "Requested operation is not valid: \(what)")
        case .unsupported(let what):
            return VirtError(.operationUnsupported, domain: .network, "Operation not supported: \(what)")
        }
    }
}
