import SwiftVirtCore
import Testing

/// `<controller>` as libvirt 9.0 reads and prints it.
@Suite struct ControllerXMLTests {
    static func parsed(_ devices: String, machine: String = "q35") throws -> DomainDefinition {
        try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type arch='x86_64' machine='\(machine)'>hvm"
                + "</type></os><devices>\(devices)</devices></domain>")
    }

    @Test func everyOptionIsReadAndPrintedInLibvirtsForm() throws {
        let d = try Self.parsed(
            "<controller type='pci' index='3' model='pcie-root-port'><model name='ioh3420'/>"
                + "<target chassis='7' port='0x1a' hotplug='off'/></controller>"
                + "<controller type='pci' index='4' model='pcie-expander-bus'><target busNr='100'><node>1</node></target>"
                + "</controller><controller type='virtio-serial' index='0' ports='16' vectors='4'/>"
                + "<controller type='usb' index='0' model='qemu-xhci' ports='15'/>"
                + "<controller type='usb' index='1' model='ich9-uhci2'/>"
                + "<controller type='scsi' index='0' model='virtio-scsi'><driver queues='2' ioeventfd='off' iothread='3' "
                + "iommu='on'/></controller>")
        let c = d.devices.controllers
        #expect(c[0].modelName == .ioh3420 && c[0].target.chassis == 7 && c[0].target.port == 0x1a)
        #expect(c[0].target.hotplug == .off)
        #expect(c[1].target.busNr == 100 && c[1].target.numaNode == 1)
        #expect(c[2].ports == 16 && c[2].vectors == 4 && c[3].ports == 15)
        #expect(c[4].masterStartPort == 2)  // a companion without <master> gets its usual start port
        #expect(c[5].driver.queues == 2 && c[5].driver.ioeventfd == .off && c[5].driver.iothread == 3)
        let xml = DomainXML.format(d)
        for line in [
            "<controller type='pci' index='3' model='pcie-root-port'>", "<model name='ioh3420'/>",
            "<target chassis='7' port='0x1a' hotplug='off'/>", "<target busNr='100'>", "<node>1</node>",
            "<controller type='virtio-serial' index='0' ports='16' vectors='4'/>",
            "<controller type='usb' index='0' model='qemu-xhci' ports='15'/>", "<master startport='2'/>",
            "<driver queues='2' ioeventfd='off' iothread='3' iommu='on'/>",
        ] {
            #expect(xml.contains(line), "\(line)\n\(xml)")
        }
        #expect(try DomainXML.parse(xml) == d)
        let (status, output) = try virtXMLValidate(xml)
        #expect(status == 0, "\(output)")
    }

    /// Indexes as virDomainAssignControllerIndexes gives them: the lowest unused of the type, except that an
    /// ich9 USB2 controller right after one of its group joins that group's index.
    @Test func missingIndexesAreGivenAsLibvirtGivesThem() throws {
        let d = try Self.parsed(
            "<controller type='scsi' index='0'/><controller type='scsi'/><controller type='usb' index='2' model='ich9-ehci1'/>"
                + "<controller type='usb' model='ich9-uhci1'/><controller type='usb' model='ich9-uhci1'/>"
                + "<controller type='usb' model='qemu-xhci'/>")
        #expect(d.devices.controllers.map(\.index) == [0, 1, 2, 2, 0, 1])
    }

    @Test(arguments: [
        ("<controller type='sata' model='lsilogic'/>", "controllers of type 'sata' have no model"),
        ("<controller type='usb' model='pcie-root'/>", "unknown model type"),
        ("<controller type='pci' index='1' model='pci-bridge'><model name='bogus'/></controller>", "expected one of"),
    ])
    func modelsOfAnotherTypeAreRefused(devices: String, reason: String) throws {
        #expect {
            try Self.parsed(devices)
        } throws: { error in
            guard case .invalidValue(_, _, _, _, let why)? = error as? DomainXMLError else { return false }
            return why.contains(reason)
        }
    }

    @Test(arguments: [
        ("<controller type='pci' index='1' model='pci-bridge'><target chassis='3'/></controller>", "pc",
         "Option 'chassis' is not valid for PCI controller with index '1', model 'pci-bridge' and modelName 'pci-bridge'"),
        ("<controller type='pci' index='1' model='pcie-root-port'><model name='pci-bridge'/></controller>", "q35",
         "Option 'modelName' has invalid value for PCI controller with index '1', model 'pcie-root-port' and "
            + "modelName 'pci-bridge'"),
        ("<controller type='pci' index='1' model='pci-bridge'><target chassisNr='0'/></controller>", "pc",
         "PCI controller chassisNr '0' out of range - must be 1-255"),
        ("<controller type='ide' index='1'/>", "pc", "Only a single IDE controller is supported for this machine type"),
        ("<controller type='scsi' model='buslogic'/>", "pc", "Unsupported controller model: buslogic"),
        ("<controller type='pci' index='1' model='pci-expander-bus'/>", "q35",
         "pci-expander-bus controllers are only supported on 440fx-based machinetypes"),
        ("<controller type='usb' model='qemu-xhci' ports='16'/>", "q35",
         "'qemu-xhci' controller only supports up to '15' ports"),
        ("<controller type='usb' model='qusb1'/>", "pc", "USB controller model type 'qusb1' or 'qusb2' is not supported in qemu"),
        ("<controller type='scsi' model='lsilogic'><driver queues='2'/></controller>", "pc",
         "'queues' is only supported by virtio-scsi controller"),
    ])
    func refusedWithLibvirtsWords(devices: String, machine: String, message: String) throws {
        #expect {
            var d = try Self.parsed(devices, machine: machine)
            try d.applyDefaults()
            try d.validate()
        } throws: { error in
            let v = (error as? DomainXMLError)?.virtError
            return v?.code == .configUnsupported
                && v?.message.hasPrefix("unsupported configuration: \(message) (<devices/controller") == true
        }
    }
}
