/// virDomainUndefineFlagsValues: what an undefine also removes, or keeps, besides the definition.
public struct DomainUndefineFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let managedSave = DomainUndefineFlags(rawValue: 1)
    public static let snapshotsMetadata = DomainUndefineFlags(rawValue: 2)
    /// Remove the UEFI variable store.
    public static let nvram = DomainUndefineFlags(rawValue: 4)
    /// Keep the UEFI variable store.
    public static let keepNVRAM = DomainUndefineFlags(rawValue: 8)
    public static let checkpointsMetadata = DomainUndefineFlags(rawValue: 16)
    /// Remove the emulated TPM's state even when `persistent_state='yes'`.
    public static let tpm = DomainUndefineFlags(rawValue: 32)
    /// Keep the emulated TPM's state.
    public static let keepTPM = DomainUndefineFlags(rawValue: 64)
}
