import SwiftVirtCore
import Testing

/// Each way a definition is refused: the libvirt error code and a message naming the culprit.
@Suite struct DomainXMLErrorTests {
    static let head = "<domain type='qemu'><name>t</name><memory unit='MiB'>64</memory><os><type>hvm</type></os>"

    func parseError(_ xml: String) -> VirtError? {
        do {
            _ = try DomainXML.parse(xml)
            return nil
        } catch {
            return error.virtError
        }
    }

    func defineError(_ xml: String) -> VirtError? {
        do {
            var d = try DomainXML.parse(xml)
            try d.applyDefaults()
            try d.validate()
            return nil
        } catch {
            return error.virtError
        }
    }

    @Test func malformedXMLIsXMLDetailWithLine() throws {
        let e = try #require(parseError(try Fixture.text("bad-unclosed")))
        #expect(e.code == .xmlDetail)
        #expect(e.message.hasPrefix("at line 4"), "\(e.message)")
    }

    @Test(arguments: [
        ("<domain type='qemu'><name>x</name></domain", "line 1"),
        ("<domain type='qemu'><name>a &bogus; b</name></domain>", "bogus"),
        ("<domain type='qemu' type='kvm'/>", "redefined"),
        ("<domain type='qemu'><name>x</name></nomain>", "mismatch"),
        ("", "empty"),
    ])
    func malformedVariants(xml: String, fragment: String) throws {
        let e = try #require(parseError(xml))
        #expect(e.code == .xmlDetail)
        #expect(e.message.contains(fragment), "\(e.message)")
    }

    @Test func missingMemory() throws {
        let e = try #require(parseError("<domain type='qemu'><name>t</name><os><type>hvm</type></os></domain>"))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("<domain/memory>"), "\(e.message)")
    }

    @Test func unknownEnumValueNamesAttribute() throws {
        let e = try #require(parseError(Self.head + "<devices><input type='joystick'/></devices></domain>"))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("'type' of <domain/devices/input>"), "\(e.message)")
        #expect(e.message.contains("joystick"))
    }

    @Test func badMemoryUnit() throws {
        let e = try #require(parseError("<domain type='qemu'><name>t</name><memory unit='parsecs'>1</memory></domain>"))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("unit"), "\(e.message)")
    }

    /// What libvirt accepts and SwiftVirt does not implement is defined and kept (a driver refuses it at start),
    /// not refused at define as before.
    @Test func unimplementedElementsAreKeptNotRefused() throws {
        let hostdev = try DomainXML.parse(try Fixture.text("kept-hostdev"))
        #expect(hostdev.devices.generic.map(\.element) == ["hostdev"])
        let back = DomainXML.format(hostdev)
        #expect(back.contains("<hostdev mode='subsystem' type='pci' managed='yes'>"), "\(back)")
        #expect(back.contains("<address domain='0x0000' bus='0x06' slot='0x02' function='0x0'/>"), "\(back)")

        let balloon = try DomainXML.parse(
            Self.head + "<devices><memballoon model='virtio' autodeflate='on'/></devices></domain>")
        #expect(balloon.kept["domain/devices/memballoon"]?.attributes.map(\.name) == ["autodeflate"])
        #expect(DomainXML.format(balloon).contains("<memballoon model='virtio' autodeflate='on'/>"))

        // SPICE is typed now; what its model lacks (VNC's share policy) is kept on the element.
        let vnc = try DomainXML.parse(
            Self.head + "<devices><graphics type='vnc' port='-1' sharePolicy='force-shared'/></devices></domain>")
        #expect(vnc.devices.graphics.count == 1)
        #expect(vnc.kept["domain/devices/graphics"]?.attributes.map(\.name) == ["sharePolicy"])
        #expect(DomainXML.format(vnc).contains("<graphics type='vnc' port='-1' sharePolicy='force-shared'>"))
    }

    @Test func duplicateDiskTargets() throws {
        let e = try #require(defineError(try Fixture.text("bad-duplicate-targets")))
        #expect(e.code == .xmlError)
        #expect(
            e.message.contains("devices/disk/target") && e.message.contains("vda") && e.message.contains("line 10"),
            "\(e.message)")
    }

    @Test func bootDevMixedWithBootOrder() throws {
        let xml =
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type>hvm</type><boot dev='hd'/></os>"
            + "<devices><disk type='file'><source file='/a'/><target dev='vda'/><boot order='1'/></disk></devices></domain>"
        let e = try #require(defineError(xml))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("devices/disk/boot"), "\(e.message)")
    }

    @Test func duplicatePCIAddresses() throws {
        let addr = "<address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>"
        let xml =
            Self.head + "<devices><interface type='user'>\(addr)</interface><rng model='virtio'>"
            + "<backend model='random'>/dev/urandom</backend>\(addr)</rng></devices></domain>"
        let e = try #require(defineError(xml))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("devices/rng/address") && e.message.contains("0000:00:05.0"), "\(e.message)")
    }

    @Test func duplicateAliases() throws {
        let xml =
            Self.head + "<devices><interface type='user'><alias name='ua-x'/></interface>"
            + "<interface type='user'><alias name='ua-x'/></interface></devices></domain>"
        let e = try #require(defineError(xml))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("devices/interface/alias") && e.message.contains("ua-x"), "\(e.message)")
    }

    @Test func currentMemoryAboveMemory() throws {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>1024</memory>\n<currentMemory>2048</currentMemory><os><type>hvm</type></os></domain>"
        )
        #expect(throws: DomainXMLError.self) { try d.validate() }
        do { try d.validate() } catch {
            #expect(error.virtError.code == .xmlError)
            #expect(error.virtError.message.contains("<currentMemory> (line 2)"), "\(error.virtError.message)")
        }
        try d.applyDefaults()  // libvirt clamps the balloon to the maximum
        #expect(d.currentMemoryKiB == 1024)
    }

    @Test func nameWithSlash() throws {
        let e = try #require(
            defineError("<domain type='qemu'><name>a/b</name><memory>1024</memory><os><type>hvm</type></os></domain>"))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("<name>") && e.message.contains("'/'"), "\(e.message)")
    }

    @Test func multicastMAC() throws {
        let e = try #require(
            defineError(
                Self.head
                    + "<devices><interface type='user'><mac address='01:00:5e:00:00:01'/></interface></devices></domain>"
            ))
        #expect(e.code == .xmlError)
        #expect(e.message.contains("devices/interface/mac"), "\(e.message)")
    }

    @Test func ideOnQ35IsUnsupported() throws {
        let xml =
            "<domain type='qemu'><name>t</name><memory>1024</memory><os><type machine='q35'>hvm</type></os>"
            + "<devices><disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk></devices></domain>"
        let e = try #require(defineError(xml))
        #expect(e.code == .configUnsupported)
        #expect(e.message.contains("devices/disk/target"), "\(e.message)")
    }

    @Test func unknownMachine() throws {
        let e = try #require(
            defineError(
                "<domain type='qemu'><name>t</name><memory>1024</memory><os><type machine='isapc'>hvm</type></os></domain>"
            ))
        #expect(e.code == .configUnsupported)
        #expect(e.message.contains("isapc"))
    }
}
