extension DomainDefinition {
    /// libvirt 9.0's checks of `<os>` firmware settings (virDomainDefOSValidate) for a driver that selects firmware
    /// itself, with libvirt's code (VIR_ERR_XML_DETAIL) and words.
    public func validateFirmware() throws(DomainCheckError) {
        let line = sourceLines["os"]
        func refuse(_ text: String, _ element: String) -> DomainCheckError {
            DomainCheckError(.xmlDetail, text, element: element, line: line)
        }
        if os.firmwareFeatures?.enrolledKeys == true && os.firmwareFeatures?.secureBoot == false {
            throw refuse(
                "firmware feature 'enrolled-keys' cannot be enabled when firmware feature 'secure-boot' is disabled",
                "os/firmware")
        }
        let loader = os.loader
        if let firmware = os.firmware {
            if loader?.readonly != nil {
                throw refuse(
                    "loader attribute 'readonly' cannot be specified when firmware autoselection is enabled", "os/loader")
            }
            if loader?.type != nil {
                throw refuse(
                    "loader attribute 'type' cannot be specified when firmware autoselection is enabled", "os/loader")
            }
            if loader?.path != nil {
                throw refuse("loader path cannot be specified when firmware autoselection is enabled", "os/loader")
            }
            if os.nvram?.template != nil {
                throw refuse(
                    "nvram attribute 'template' cannot be specified when firmware autoselection is enabled", "os/nvram")
            }
            // libvirt accepts secure='yes' here (an early way to ask for a secure boot firmware), only not 'no'.
            if loader?.secure == false {
                throw refuse(
                    "loader attribute 'secure' cannot be specified when firmware autoselection is enabled", "os/loader")
            }
            if os.nvram?.path != nil && firmware != .efi {
                throw refuse("firmware type '\(firmware.rawValue)' does not support nvram", "os/nvram")
            }
        } else {
            if os.firmwareFeatures != nil {
                throw refuse(
                    "cannot use feature-based firmware autoselection when firmware autoselection is disabled",
                    "os/firmware")
            }
            // An `<nvram>` alone counts as a loader without a path, as in libvirt.
            if loader != nil || os.nvram != nil, loader?.path == nil {
                throw refuse("no loader path specified and firmware auto selection disabled", "os/loader")
            }
        }
        guard let loader else { return }
        if loader.stateless == true {
            if os.nvram?.template != nil {
                throw refuse("NVRAM template is not permitted when loader is stateless", "os/nvram")
            }
            if os.nvram?.path != nil { throw refuse("NVRAM is not permitted when loader is stateless", "os/nvram") }
        } else if loader.stateless == false {
            if os.firmware == nil {
                if loader.type != .pflash { throw refuse("Only pflash loader type permits NVRAM", "os/loader") }
            } else if os.firmware != .efi {
                throw refuse("Only EFI firmware permits NVRAM", "os/loader")
            }
        }
    }
}
