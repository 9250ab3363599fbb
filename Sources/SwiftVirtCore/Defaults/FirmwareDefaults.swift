extension DomainDefinition {
    /// What libvirt completes in `<os>` for every driver (virDomainDefPostParseOs): firmware with enrolled keys is
    /// a secure boot firmware, and a loader given by path alone is a ROM. (`enrolled-keys` with `secure-boot`
    /// turned off is refused by `validateFirmware`.)
    mutating func applyFirmwareDefaults() {
        if os.firmwareFeatures?.enrolledKeys == true, os.firmwareFeatures?.secureBoot == nil {
            os.firmwareFeatures?.secureBoot = true
        }
        if os.loader?.path != nil, os.loader?.type == nil { os.loader?.type = .rom }
    }
}
