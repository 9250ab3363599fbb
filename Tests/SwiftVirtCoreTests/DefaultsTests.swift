import SwiftVirtCore
import Testing

@Suite struct DefaultsTests {
    @Test(arguments: RoundTripTests.fixtures) func applyDefaultsIsIdempotent(name: String) throws {
        let once = try Fixture.completed(name)
        var twice = once
        try twice.applyDefaults()
        #expect(twice == once)
        // Defining the dumped XML again changes nothing either.
        var redefined = try DomainXML.parse(DomainXML.format(once))
        try redefined.applyDefaults()
        #expect(DomainXML.format(redefined) == DomainXML.format(once))
    }

    @Test func pcImplicitDevices() throws {
        let d = try Fixture.completed("minimal")
        #expect(d.os.machine == "pc-i440fx-7.2")
        #expect(d.os.arch == "x86_64")
        #expect(d.devices.emulator == "/usr/bin/qemu-system-x86_64")
        #expect(d.currentMemoryKiB == 128 * 1024)
        let c = d.devices.controllers
        #expect(c.contains { $0.model == .pciRoot && $0.alias == "pci.0" })
        #expect(c.contains { $0.model == .piix3UHCI && $0.address == .pci(PCIAddress(bus: 0, slot: 1, function: 2)) })
        // As libvirt 9.0: the PIIX3's IDE controller is listed only when a disk uses it.
        #expect(!c.contains { $0.type == .ide })
        #expect(try Fixture.completed("rich-pc").devices.controllers.contains { $0.type == .ide && $0.alias == "ide" })
        #expect(d.devices.memballoon?.model == .virtio && d.devices.memballoon?.alias == "balloon0")
    }

    @Test func q35ImplicitDevicesAndRootPorts() throws {
        let d = try Fixture.completed("q35")
        #expect(d.os.machine == "pc-q35-7.2")
        let c = d.devices.controllers
        #expect(c.contains { $0.model == .pcieRoot })
        #expect(c.contains { $0.type == .sata && $0.address == .pci(PCIAddress(bus: 0, slot: 0x1f, function: 2)) })
        let xhci = try #require(c.first { $0.model == .qemuXHCI })
        let ports = c.filter { $0.model == .pcieRootPort }.map(\.index)
        #expect(ports.contains(try #require(xhci.address?.pci).bus))
        let disk = try #require(d.devices.disks.first { $0.targetDev == "vda" })
        #expect(ports.contains(try #require(disk.address?.pci).bus))
        #expect(d.devices.disks.first { $0.targetDev == "sda" }?.address == .drive(DriveAddress()))
        #expect(d.devices.disks.first { $0.targetDev == "sda" }?.alias == "sata0-0-0")
        #expect(d.devices.videos.first?.address == .pci(PCIAddress(bus: 0, slot: 1)))
    }

    @Test func serialConsolePairingAndGraphicsDefaults() throws {
        let d = try Fixture.completed("q35")
        #expect(d.devices.serials.first?.alias == "serial0")
        let console = try #require(d.devices.consoles.first)
        #expect(console.targetType == .serial && console.targetPort == 0 && console.alias == "serial0")
        #expect(d.devices.inputs.map(\.type) == [.mouse, .keyboard])
        #expect(d.devices.graphics.first?.port == -1 && d.devices.graphics.first?.autoport == true)
        let mac = try #require(d.devices.interfaces.first?.mac)
        #expect(Array(mac.bytes.prefix(3)) == [0x52, 0x54, 0x00])
    }

    /// libvirt names a disk on an lsilogic controller without its target: scsi0-0-0, not scsi0-0-0-0.
    @Test func lsilogicDiskAliasHasNoTarget() throws {
        var d = try Fixture.parsed("minimal")
        d.devices.disks = [Disk(sourcePath: "/tmp/a.img", targetDev: "sda", targetBus: .scsi)]
        try d.applyDefaults()
        #expect(d.devices.controllers.first { $0.type == .scsi }?.model == .lsilogic)
        #expect(d.devices.disks.map(\.alias) == ["scsi0-0-0"])
    }

    @Test func pcVideoAtSlotTwoAndDriveAliases() throws {
        let d = try Fixture.completed("rich-pc")
        #expect(d.devices.videos.first?.address == .pci(PCIAddress(bus: 0, slot: 2)))
        #expect(d.devices.disks.map(\.alias) == ["virtio-disk0", "scsi0-0-0-0", "ide0-1-0", "fdc0-0-0"])
        #expect(
            d.devices.disks.first { $0.targetDev == "hdc" }?.address
                == .drive(DriveAddress(controller: 0, bus: 1, unit: 0)))
    }

    @Test func liveXMLShowsIdPtyAndVNCPort() throws {
        let d = try Fixture.completed("q35")
        let xml = DomainXML.format(
            d, runtime: DomainRuntimeInfo(id: 7, ptyPaths: ["serial0": "/dev/pts/9"], vncPort: 5903))
        #expect(xml.hasPrefix("<domain type='qemu' id='7'>"))
        #expect(xml.contains("<source path='/dev/pts/9'/>"))
        #expect(xml.contains("<console type='pty' tty='/dev/pts/9'>"))
        #expect(xml.contains("port='5903'"))
        #expect(DomainXML.format(d).hasPrefix("<domain type='qemu'>"))
        let (status, output) = try virtXMLValidate(xml)
        #expect(status == 0, "\(output)")
    }
}

@Suite struct ParsingDetailTests {
    @Test(arguments: [
        ("b", 2048, 2), ("bytes", 1025, 2), ("KB", 1024, 1000), ("k", 3, 3), ("KiB", 3, 3), ("MB", 1, 977),
        ("M", 1, 1024), ("MiB", 2, 2048), ("GB", 1, 976_563), ("G", 1, 1_048_576), ("GiB", 1, 1_048_576),
        ("TB", 1, 976_562_500), ("T", 1, 1_073_741_824), ("TiB", 1, 1_073_741_824),
    ])
    func memoryUnits(unit: String, value: Int, kib: UInt64) throws {
        let d = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory unit='\(unit)'>\(value)</memory><os><type>hvm</type></os></domain>"
        )
        #expect(d.memoryKiB == kib)
    }

    @Test func metadataKeptAsLibvirtPrintsItAndEntitiesDecoded() throws {
        let d = try Fixture.parsed("rich-pc")
        #expect(d.title == "Rich & full")
        #expect(d.description == "A guest with every <supported> element \u{263A}")
        #expect(
            DomainXML.format(d).contains(
                """
                  <metadata>
                    <app:info xmlns:app="http://example.org/app/1.0">
                      <app:owner team="ops">alice</app:owner>
                      <!-- kept -->
                    </app:info>
                  </metadata>
                """))
    }

    /// As virXMLNodeSanitizeNamespaces: elements without a namespace and later ones sharing a namespace go.
    @Test func metadataKeepsTheFirstElementOfEachNamespace() throws {
        let d = try DomainXML.parse(
            """
            <domain type='qemu' xmlns:b='urn:b'><name>t</name><memory>1024</memory><os><type>hvm</type></os>
            <metadata>text<plain/><a:x xmlns:a='urn:a' k='1&quot;'/><a:y xmlns:a='urn:a'/><b:z>t&lt;</b:z>            <d xmlns='urn:d'><e/></d></metadata></domain>
            """)
        #expect(d.metadata?.map(\.name) == ["a:x", "b:z", "d"])
        let xml = DomainXML.format(d)
        #expect(xml.contains(#"<a:x xmlns:a="urn:a" k="1&quot;"/>"#))
        #expect(xml.contains(#"<b:z xmlns:b="urn:b">t&lt;</b:z>"#))
        #expect(xml.contains("<d xmlns=\"urn:d\">\n      <e/>\n    </d>"))
        #expect(try DomainXML.parse(xml).metadata == d.metadata)
    }

    @Test func uuidGeneratedWhenMissing() throws {
        let a = try Fixture.parsed("minimal")
        let b = try Fixture.parsed("minimal")
        #expect(a.uuid != b.uuid)
        #expect(DomainUUID(string: a.uuid.description) == a.uuid)
    }
}
