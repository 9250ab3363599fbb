import SwiftVirtCore

/// Errors of the storage driver, mapped to libvirt's codes in the storage error domain.
enum StorageError: LibvirtMappable {
    case noPoolNamed(String)
    case noPoolUUID(DomainUUID)
    case noVolumeNamed(String)
    case noVolumeKey(String)
    case noVolumePath(String)
    case poolNameTaken(String, DomainUUID)
    case poolUUIDTaken(existingName: String)
    case poolNotActive(String)
    case poolActive(String)
    case transientAutostart(String)
    case volumeExists(String)
    case volumeBusy(String)
    case volumeInUse(volume: String, domain: String)
    case invalid(String)
    case io(String)

    var virtError: VirtError {
        switch self {
        case .noPoolNamed(let name):
            return VirtError(
                .noStoragePool, domain: .storage, "Storage pool not found: no storage pool with matching name '\(name)'"
            )
        case .noPoolUUID(let uuid):
            return VirtError(
                .noStoragePool, domain: .storage, "Storage pool not found: no storage pool with matching uuid '\(uuid)'"
            )
        case .noVolumeNamed(let name):
            return VirtError(
                .noStorageVolume, domain: .storage,
                "Storage volume not found: no storage vol with matching name '\(name)'")
        case .noVolumeKey(let key):
            return VirtError(
                .noStorageVolume, domain: .storage, "Storage volume not found: no storage vol with matching key \(key)")
        case .noVolumePath(let path):
            return VirtError(
                .noStorageVolume, domain: .storage,
                "Storage volume not found: no storage vol with matching path '\(path)'")
        case .poolNameTaken(let name, let uuid):
            return VirtError(
                .operationFailed, domain: .storage, "operation failed: pool '\(name)' already exists with uuid \(uuid)")
        case .poolUUIDTaken(let existing):
            return VirtError(
                .operationFailed, domain: .storage, "operation failed: pool '\(existing)' already exists with this uuid"
            )
        case .poolNotActive(let name):
            return VirtError(
                .operationInvalid, domain: .storage,
                "Requested operation is not valid: storage pool '\(name)' is not active")
        case .poolActive(let name):
            return VirtError(
                .operationInvalid, domain: .storage,
                "Requested operation is not valid: storage pool '\(name)' is already active")
        case .transientAutostart(let name):
            return VirtError(
                .operationInvalid, domain: .storage,
                "Requested operation is not valid: cannot set autostart for transient storage pool '\(name)'")
        case .volumeExists(let name):
            return VirtError(.storageVolumeExists, domain: .storage, "storage volume '\(name)' exists already")
        case .volumeBusy(let name):
            return VirtError(
                .operationInvalid, domain: .storage,
                "Requested operation is not valid: volume '\(name)' is still being allocated or transferred.")
        case .volumeInUse(let volume, let domain):
            return VirtError(
                .operationInvalid, domain: .storage,
                "Requested operation is not valid: storage volume '\(volume)' is in use by running domain '\(domain)'")
        case .invalid(let message):
            return VirtError(.invalidArg, domain: .storage, "invalid argument: \(message)")
        case .io(let message):
            return VirtError(.operationFailed, domain: .storage, "operation failed: \(message)")
        }
    }
}
