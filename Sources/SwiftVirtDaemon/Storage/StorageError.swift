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
        let (code, detail) = codeAndDetail
        return VirtError(code, domain: .storage, detail: detail)
    }

    private var codeAndDetail: (VirtErrorCode, String) {
        switch self {
        case .noPoolNamed(let name): return (.noStoragePool, "no storage pool with matching name '\(name)'")
        case .noPoolUUID(let uuid): return (.noStoragePool, "no storage pool with matching uuid '\(uuid)'")
        case .noVolumeNamed(let name): return (.noStorageVolume, "no storage vol with matching name '\(name)'")
        case .noVolumeKey(let key): return (.noStorageVolume, "no storage vol with matching key \(key)")
        case .noVolumePath(let path): return (.noStorageVolume, "no storage vol with matching path '\(path)'")
        case .poolNameTaken(let name, let uuid):
            return (.operationFailed, "pool '\(name)' already exists with uuid \(uuid)")
        case .poolUUIDTaken(let existing): return (.operationFailed, "pool '\(existing)' already exists with this uuid")
        case .poolNotActive(let name): return (.operationInvalid, "storage pool '\(name)' is not active")
        case .poolActive(let name): return (.operationInvalid, "storage pool '\(name)' is already active")
        case .transientAutostart(let name):
            return (.operationInvalid, "cannot set autostart for transient storage pool '\(name)'")
        // "storage volume %s exists already", with the name quoted as libvirt's storage driver passes it.
        case .volumeExists(let name): return (.storageVolumeExists, "'\(name)'")
        case .volumeBusy(let name):
            return (.operationInvalid, "volume '\(name)' is still being allocated or transferred.")
        case .volumeInUse(let volume, let domain):
            return (.operationInvalid, "storage volume '\(volume)' is in use by running domain '\(domain)'")
        case .invalid(let message): return (.invalidArg, message)
        case .io(let message): return (.operationFailed, message)
        }
    }
}
