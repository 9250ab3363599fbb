extension DomainDefinition {
    /// The definition as virDomainGetXMLDesc's VIR_DOMAIN_XML_MIGRATABLE gives it (libvirt 9.0's QEMU driver):
    /// what libvirt fills in itself and older versions would not read is left out, so the receiving side fills it
    /// in again. Format the result without runtime facts: migratable XML is always the inactive form (no id, no
    /// aliases but users', no pty paths, ports or default listen addresses).
    ///
    /// Left out: the USB controller when it is the only one, index 0 on an i440fx machine, piix3-uhci or no model,
    /// without a user alias; pci-root when it is the only PCI controller and has neither a user alias nor a
    /// 64-bit hole size; PS/2 and Xen keyboards; an `<audio>` that is the only one and the backend libvirt adds by
    /// default. An Icelake-Server CPU model says `pconfig` is disabled.
    public var migratable: DomainDefinition {
        var d = self
        func userAlias(_ alias: String?) -> Bool { alias?.hasPrefix("ua-") ?? false }
        let usb = d.devices.controllers.filter { $0.type == .usb }
        if usb.count == 1, let c = usb.first, d.os.machineFamily == .pc, c.index == 0,
            c.model == nil || c.model == .piix3UHCI, !userAlias(c.alias)
        {
            d.devices.controllers.removeAll { $0.type == .usb }
        }
        let pci = d.devices.controllers.filter { $0.type == .pci }
        let hole = d.kept["domain/devices/controller[pci,0]"]?.elements.contains { $0.ownKey == "pcihole64" } ?? false
        if pci.count == 1, let c = pci.first, c.index == 0, c.model == .pciRoot, !userAlias(c.alias), !hole {
            d.devices.controllers.removeAll { $0.type == .pci }
        }
        d.devices.inputs.removeAll { $0.type == .keyboard && ($0.bus == .ps2 || $0.bus == .xen) }
        if d.devices.audios.count == 1, let a = d.devices.audios.first, let type = d.devices.defaultAudioType,
            a.id == 1, a.type == type, a.timerPeriod == nil, a.path == nil
        {
            d.devices.audios = []
        }
        if var cpu = d.cpu, cpu.mode == nil || cpu.mode == .custom, cpu.model?.name == "Icelake-Server" {
            if let i = cpu.features.firstIndex(where: { $0.name == "pconfig" }) {
                cpu.features[i].policy = .disable
            } else {
                cpu.features.append(DomainCPU.Feature(policy: .disable, name: "pconfig"))
            }
            d.cpu = cpu
        }
        return d
    }
}
