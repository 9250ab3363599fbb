import SwiftVirtCore

/// Errors of the secret driver, in libvirt 9.0's codes and words (secret error domain).
enum SecretError: LibvirtMappable {
    case noSecretUUID(DomainUUID)
    case noSecretUsage(String)
    case noValue(DomainUUID)
    /// A value asked for over RPC of a secret marked private.
    case isPrivate
    /// A redefinition (same uuid) for another usage id.
    case uuidUsedFor(DomainUUID, usageID: String?)
    /// Another secret (its uuid here) already has this usage.
    case usageTaken(DomainUUID, usageID: String?)
    case privateFlagChange
    case storage(String)

    var virtError: VirtError {
        switch self {
        case .noSecretUUID(let uuid):
            VirtError(.noSecret, domain: .secret, detail: "no secret with matching uuid '\(uuid)'")
        case .noSecretUsage(let id):
            VirtError(.noSecret, domain: .secret, detail: "no secret with matching usage '\(id)'")
        case .noValue(let uuid):
            VirtError(.noSecret, domain: .secret, detail: "secret '\(uuid)' does not have a value")
        case .isPrivate: VirtError(.invalidSecret, domain: .secret, detail: "secret is private")
        case .uuidUsedFor(let uuid, let id):
            VirtError(
                .internalError, domain: .secret,
                detail: "a secret with UUID \(uuid) is already defined for use with \(id ?? "(null)")")
        case .usageTaken(let uuid, let id):
            VirtError(
                .internalError, domain: .secret,
                detail: "a secret with UUID \(uuid) already defined for use with \(id ?? "(null)")")
        case .privateFlagChange:
            VirtError(.internalError, domain: .secret, detail: "cannot change private flag on existing secret")
        case .storage(let why): VirtError(.systemError, domain: .secret, detail: why)
        }
    }
}
