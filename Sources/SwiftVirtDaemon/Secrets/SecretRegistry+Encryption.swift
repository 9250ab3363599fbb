import SwiftVirtCore

/// The secret driver's values as the storage and QEMU drivers read them for encrypted volumes and disks.
extension SecretRegistry {
    /// The key of an encrypted volume (libvirt's storage driver reading a volume secret): exactly one
    /// `<secret>`, found by uuid or by volume usage, of usage type volume, with a value. Private secrets are
    /// readable here: this is the daemon itself asking.
    func volumeKey(_ enc: StorageEncryption) throws -> [UInt8] {
        guard enc.secrets.count == 1 else {
            throw VirtError(
                .invalidArg, domain: .storage,
                detail: "A single <secret type='passphrase'...> element is expected in encryption description")
        }
        return try internalValue(enc.secrets[0], usage: .volume)
    }

    /// A starting guest's encrypted disks get their keys, as libvirt's QEMU driver reads them: the first
    /// `<secret>` of a LUKS `<encryption>`, a volume secret with a value.
    func fillDiskKeys(_ def: DomainDefinition) throws -> DomainDefinition {
        var def = def
        for i in def.devices.disks.indices {
            guard let enc = def.devices.disks[i].encryption, enc.format == .luks, let lookup = enc.secrets.first
            else { continue }
            def.devices.disks[i].encryption?.key = try internalValue(lookup, usage: .volume)
        }
        return def
    }
}
