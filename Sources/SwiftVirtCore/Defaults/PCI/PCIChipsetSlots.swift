/// The devices built into each chipset, placed where the machine has them before any other device gets a slot
/// (qemuDomainValidateDevicePCISlotsPIIX3/Q35).
struct PCIChipsetSlots {
    let family: MachineFamily
    let context: PCIConnectContext

    func place(_ d: inout DomainDevices, in set: inout PCIAddressSet) throws(DomainXMLError) {
        switch family {
        case .pc: try placePIIX3(&d, &set)
        case .q35: try placeICH9(&d, &set)
        case .microvm: break
        }
    }

    /// pc: the PIIX3 at slot 1 (ISA bridge .0, IDE .1, USB .2, power management .3), the primary video at slot 2.
    private func placePIIX3(_ d: inout DomainDevices, _ set: inout PCIAddressSet) throws(DomainXMLError) {
        let flags: PCIConnectFlags = [.autoAssign, .pciDevice]
        for i in d.controllers.libvirtOrder {
            let c = d.controllers[i]
            let home: PCIAddress
            let rule: String
            if c.type == .ide, c.index == 0 {
                home = PCIAddress(bus: 0, slot: 1, function: 1)
                rule = "Primary IDE controller must have PCI address 0:0:1.1"
            } else if c.type == .usb, c.index == 0, c.model == nil || c.model == .piix3UHCI {
                home = PCIAddress(bus: 0, slot: 1, function: 2)
                rule = "PIIX3 USB controller at index 0 must have PCI address 0:0:1.2"
            } else {
                continue
            }
            if case .pci(let a)? = c.address {
                guard a.location == home.location else {
                    throw .refused(code: .internalError, message: rule, element: "devices/controller", line: c.sourceLine.line)
                }
            } else {
                d.controllers[i].address = .pci(home)
            }
            if set.count > 0 { try Self.reserve(home, flags, in: &set, for: "devices/controller", c.sourceLine.line) }
        }
        if set.count > 0 {
            for function in [0, 3] {
                try Self.reserve(PCIAddress(bus: 0, slot: 1, function: function), flags, in: &set, for: "devices", nil)
            }
        }
        try placePrimaryVideo(&d, &set, at: 2, flags: flags)
    }

    /// q35: the ICH9's SATA at 1f.2 (with the LPC bridge at 1f.0 and SMBus at 1f.3), the first USB2 sets at
    /// 1d and 1a, a dmi-to-pci-bridge at 1e, the primary video at slot 1 and ICH9 audio at 1b, each where free.
    private func placeICH9(_ d: inout DomainDevices, _ set: inout PCIAddressSet) throws(DomainXMLError) {
        let flags: PCIConnectFlags = .pcieDevice
        for i in d.controllers.libvirtOrder {
            let c = d.controllers[i]
            switch (c.type, c.model) {
            case (.sata, _) where c.index == 0:
                let home = PCIAddress(bus: 0, slot: 0x1f, function: 2)
                if case .pci(let a)? = c.address {
                    guard a.location == home.location else {
                        throw .refused(
                            code: .internalError, message: "Primary SATA controller must have PCI address 0:0:1f.2",
                            element: "devices/controller", line: c.sourceLine.line)
                    }
                } else {
                    d.controllers[i].address = .pci(home)
                }
            case (.usb, .ich9UHCI1?) where c.address == nil && set.count > 0:
                guard let slot = [0x1d, 0x1a].first(where: { !set.slotInUse(PCIAddress(bus: 0, slot: $0)) }) else {
                    continue
                }
                let home = PCIAddress(bus: 0, slot: slot, function: 0, multifunction: .on)
                try Self.reserve(home, flags, in: &set, for: "devices/controller", c.sourceLine.line)
                d.controllers[i].address = .pci(home)
            case (.pci, .dmiToPCIBridge?) where c.address == nil && set.count > 0:
                let home = PCIAddress(bus: 0, slot: 0x1e)
                guard !set.slotInUse(home) else { continue }
                try Self.reserve(home, flags, in: &set, for: "devices/controller", c.sourceLine.line)
                d.controllers[i].address = .pci(home)
            default:
                continue
            }
        }
        if set.count > 0 {
            for function in [0, 3] {
                try Self.reserve(PCIAddress(bus: 0, slot: 0x1f, function: function), flags, in: &set, for: "devices", nil)
            }
        }
        try placePrimaryVideo(&d, &set, at: 1, flags: flags)
        let audio = PCIAddress(bus: 0, slot: 0x1b)
        if set.count > 0, !set.slotInUse(audio),
            let i = d.sounds.firstIndex(where: { $0.model == .ich9 && $0.address == nil })
        {
            try Self.reserve(audio, flags, in: &set, for: "devices/sound", d.sounds[i].sourceLine.line)
            d.sounds[i].address = .pci(audio)
        }
    }

    /// The first `<video>` goes where QEMU would put the first VGA device (slot 2 of pc, 1 of q35), or to the
    /// next free slot when that one is taken.
    private func placePrimaryVideo(
        _ d: inout DomainDevices, _ set: inout PCIAddressSet, at slot: Int, flags: PCIConnectFlags
    ) throws(DomainXMLError) {
        guard let video = d.videos.first, video.model != .none, video.address == nil else { return }
        let home = PCIAddress(bus: 0, slot: slot)
        let line = video.sourceLine.line
        do {
            try set.validate(home, flags: flags, fromConfig: true)
            if set.slotInUse(home) {
                let a = try set.reserveNext(flags: PCIDeviceFamily.videoFlags(video.model, context))
                if !set.dryRun { d.videos[0].address = .pci(a) }
            } else {
                var a = home
                try set.reserve(&a, flags: flags, fromConfig: true)
                d.videos[0].address = .pci(a)
            }
        } catch {
            throw error.domainError(element: "devices/video", line: line)
        }
    }

    static func reserve(
        _ address: PCIAddress, _ flags: PCIConnectFlags, in set: inout PCIAddressSet, for element: String, _ line: Int?
    ) throws(DomainXMLError) {
        var a = address
        do {
            try set.reserve(&a, flags: flags, fromConfig: true)
        } catch {
            throw error.domainError(element: element, line: line)
        }
    }
}

extension PCIAddressError {
    /// The refusal with libvirt's code and words, naming the device's `<address>` (`devices` when no device of
    /// the definition holds the address, such as a chipset function): libvirt's XML error for an address the
    /// definition gave, its internal error when the assigner itself found no room.
    func domainError(element: String, line: Int?) -> DomainXMLError {
        .addressRefused(config: self == .config(message), message, element: element, line: line)
    }
}

extension DomainXMLError {
    /// A PCI or USB address refused: libvirt's XML error when the definition gave it, else its internal error.
    static func addressRefused(config: Bool, _ message: String, element: String, line: Int?) -> DomainXMLError {
        .refused(
            code: config ? .xmlError : .internalError, message: message,
            element: element == "devices" ? element : element + "/address", line: line)
    }
}
