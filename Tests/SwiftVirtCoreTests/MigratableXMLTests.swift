import SwiftVirtCore
import Testing

/// VIR_DOMAIN_XML_MIGRATABLE's form of a definition and the refusal of PCI controllers attached without what
/// define fills in (the daemon-level comparison with libvirtd is Integration.LiveXMLParity).
@Suite struct MigratableXMLTests {
    static func completed(_ devices: String, machine: String = "pc") throws -> DomainDefinition {
        var d = try DomainXML.parse(
            """
            <domain type='qemu'><name>m</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
            <os><type arch='x86_64' machine='\(machine)'>hvm</type></os><devices>\(devices)</devices></domain>
            """)
        try d.applyDefaults()
        return d
    }

    @Test func defaultsLibvirtAddsAreLeftOut() throws {
        let d = try Self.completed("<graphics type='vnc'/><sound model='ich6'/>")
        let xml = DomainXML.formatMigratable(d, secure: false)
        #expect(DomainXML.format(d).contains("<controller type='usb' index='0' model='piix3-uhci'>"))
        #expect(!xml.contains("<controller type='usb'"))
        #expect(!xml.contains("pci-root"))
        #expect(!xml.contains("<input type='keyboard' bus='ps2'/>"))
        #expect(xml.contains("<input type='mouse' bus='ps2'/>"))
        #expect(!xml.contains("<audio"))
        #expect(xml.contains("<sound model='ich6'>"))
    }

    @Test func whatOlderLibvirtCouldNotFillInStays() throws {
        // q35's USB controller and pcie-root, a user alias, a second audio backend.
        let q35 = try Self.completed("", machine: "q35")
        let xml = DomainXML.formatMigratable(q35, secure: false)
        #expect(xml.contains("<controller type='usb' index='0' model='qemu-xhci'"))
        #expect(xml.contains("model='pcie-root'"))
        let aliased = try Self.completed("<controller type='usb' index='0'><alias name='ua-usb'/></controller>")
        #expect(DomainXML.formatMigratable(aliased, secure: false).contains("<alias name='ua-usb'/>"))
    }

    @Test func icelakeServerDisablesPconfig() throws {
        var d = try Self.completed("")
        var cpu = DomainCPU(mode: .custom)
        cpu.model = DomainCPU.Model(name: "Icelake-Server")
        d.cpu = cpu
        #expect(d.migratable.cpu?.features == [DomainCPU.Feature(policy: .disable, name: "pconfig")])
    }

    @Test(arguments: [
        ("<controller type='pci' model='pcie-root-port'/>",
         "internal error: Required option 'modelName' is not set for PCI controller with index '-1', model 'pcie-root-port' and modelName 'none'"),
        ("<controller type='pci' index='3' model='pci-bridge'/>",
         "internal error: Required option 'modelName' is not set for PCI controller with index '3', model 'pci-bridge' and modelName 'none'"),
        ("<controller type='pci' model='pcie-root-port'><model name='pcie-root-port'/></controller>",
         "internal error: Required option 'chassis' is not set for PCI controller with index '-1', model 'pcie-root-port' and modelName 'pcie-root-port'"),
        ("<controller type='pci' model='pcie-to-pci-bridge'><model name='pci-bridge'/></controller>",
         "unsupported configuration: Option 'modelName' has invalid value for PCI controller with index '-1', model 'pcie-to-pci-bridge' and modelName 'pci-bridge'"),
    ])
    func attachedPCIControllerRefused(xml: String, message: String) throws {
        let device = try DeviceEdit.Device(xml: xml)
        #expect(throws: VirtError.self) { try device.checkAttachedPCIController() }
        do { try device.checkAttachedPCIController() } catch let e as VirtError { #expect(e.description == message) }
        #expect(throws: Never.self) { try DeviceEdit.Device(xml: "<controller type='usb' model='qemu-xhci'/>").checkAttachedPCIController() }
    }
}
