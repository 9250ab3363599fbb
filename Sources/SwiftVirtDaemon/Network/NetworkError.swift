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
    case noHostInterface(String)
    case inUse(network: String, by: [String])
    case unsupported(String)
    /// VIR_ERR_NO_SUPPORT, as libvirt reports net-update requests it cannot do.
    case noSupport(String)
    /// VIR_ERR_OPERATION_INVALID with libvirt's own wording.
    case invalid(String)

    var virtError: VirtError {
        let (code, detail) = codeAndDetail
        return VirtError(code, domain: .network, detail: detail)
    }

    private var codeAndDetail: (VirtErrorCode, String) {
        switch self {
        case .noNetworkNamed(let name): return (.noNetwork, "no network with matching name '\(name)'")
        case .noNetworkUUID(let uuid): return (.noNetwork, "no network with matching uuid '\(uuid)'")
        case .nameTaken(let name, let uuid):
            return (.operationFailed, "network '\(name)' already exists with uuid \(uuid)")
        case .uuidTaken(let existing, let uuid):
            return (.operationFailed, "network '\(existing)' is already defined with uuid \(uuid)")
        case .activeAs(let name): return (.operationInvalid, "network is already active as '\(name)'")
        case .conflict(let why): return (.operationFailed, why)
        case .alreadyActive(let name): return (.operationInvalid, "network '\(name)' is already active")
        case .notActive(let name): return (.operationInvalid, "network '\(name)' is not active")
        case .transient(let name, let action):
            return (.operationInvalid, "cannot \(action) transient network '\(name)'")
        case .bridgeInUse(let bridge):
            return (.operationFailed, "bridge '\(bridge)' already exists on the host; pick another <bridge name>")
        case .noHostBridge(let bridge): return (.operationFailed, "host bridge '\(bridge)' does not exist")
        case .noHostInterface(let name): return (.operationFailed, "host interface '\(name)' does not exist")
        case .inUse(let network, let domains):
            return (
                .operationInvalid, "network '\(network)' is used by running domains: " + domains.joined(separator: ", ")
            )
        case .noSupport(let what): return (.noSupport, what)
        case .invalid(let what): return (.operationInvalid, what)
        case .unsupported(let what): return (.operationUnsupported, what)
        }
    }
}

extension NetworkError {
    /// What cannot be honoured at start: VIR_ERR_CONFIG_UNSUPPORTED naming the element.
    static func cannotHonour(_ element: String, attribute: String? = nil, _ reason: String) -> NetworkXMLError {
        NetworkXMLError(.configUnsupported, element: element, attribute: attribute, line: nil, reason)
    }

    /// libvirt's VIR_ERR_INTERNAL_ERROR failures of the network driver, in its words.
    static func internalError(_ words: String) -> VirtError {
        VirtError(.internalError, domain: .network, detail: words)
    }
}
