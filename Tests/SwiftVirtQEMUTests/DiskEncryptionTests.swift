import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// LUKS disks: the secret object and the format node options, the XML placements written back where they were
/// read, and libvirt's checks of encrypted disk definitions.
@Suite struct DiskEncryptionTests {
    static let secret = "5a1e0c2d-3b4f-4a6e-8d7c-9e0f1a2b3c01"
    static let enc = "<encryption format='luks'><secret type='passphrase' uuid='\(secret)'/></encryption>"

    static func disks(_ qcow2Placement: String = "source") -> String {
        let inSource = qcow2Placement == "source"
        return "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            + "<source file='/img/a.qcow2'>\(inSource ? enc : "")</source><target dev='vda' bus='virtio'/>"
            + "\(inSource ? "" : enc)</disk>"
            + "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/img/b.raw'/>"
            + "<target dev='vdb' bus='virtio'/>\(enc)</disk>"
    }

    @Test func secretObjectsAndFormatNodes() throws {
        let args = try DisplaySoundCommandLineTests.arguments(Self.disks())
        let dir = goldenContext.channelDirectory
        #expect(
            DisplaySoundCommandLineTests.values("-object", in: args).filter { $0.hasPrefix("secret,") } == [
                "secret,id=libvirt-2-format-encryption-secret0,file=\(dir)/libvirt-2-format-encryption-secret0.key",
                "secret,id=libvirt-1-format-encryption-secret0,file=\(dir)/libvirt-1-format-encryption-secret0.key",
            ])
        let formats = DisplaySoundCommandLineTests.values("-blockdev", in: args).filter { $0.hasPrefix("node-name") }
        #expect(formats.contains { $0.hasSuffix("driver=qcow2,file=libvirt-2-storage,encrypt.format=luks,encrypt.key-secret=libvirt-2-format-encryption-secret0") }, "\(formats)")
        #expect(formats.contains { $0.hasSuffix("driver=luks,file=libvirt-1-storage,key-secret=libvirt-1-format-encryption-secret0") }, "\(formats)")
    }

    @Test func placementIsKeptAndEngineDefaultsToQEMU() throws {
        for placement in ["source", "disk"] {
            var def = try DisplaySoundCommandLineTests.definition(Self.disks(placement))
            QEMUDiskEncryption.applyDefaults(&def)
            let xml = DomainXML.format(def)
            let expected = "<encryption format='luks' engine='qemu'>\n"
            #expect(xml.components(separatedBy: expected).count == 3, "\(xml)")
            #expect(xml.contains("<source file='/img/a.qcow2'>") == (placement == "source"), "\(xml)")
            #expect(xml.contains("<source file='/img/b.raw'/>"), "\(xml)")
            #expect(try DomainXML.parse(xml).devices.disks.map(\.encryptionUnderDisk) == [placement == "disk", true])
        }
    }

    @Test func libvirtsDefinitionChecks() throws {
        func refusal(_ devices: String) throws -> String {
            let def = try DisplaySoundCommandLineTests.definition(devices)
            let error = try #require(throws: VirtError.self) { try QEMUDiskEncryption.check(def) }
            return error.message
        }
        let qcow = Self.disks().replacingOccurrences(of: "format='luks'", with: "format='qcow'")
        #expect(try refusal(qcow).contains("old qcow/qcow2 encryption is not supported"))
        let luks2 = Self.disks().replacingOccurrences(of: "format='luks'", with: "format='luks2'")
        #expect(try refusal(luks2).contains("luks2 is currently not supported by the qemu encryption engine"))
        let vmdk = Self.disks().replacingOccurrences(of: "type='qcow2'", with: "type='vmdk'")
        #expect(try refusal(vmdk).contains("encryption is supported only with 'raw' and 'qcow2' image format"))
        let twice = "<disk type='file'><source file='/a'>\(Self.enc)</source><target dev='vda'/>\(Self.enc)</disk>"
        let error = try #require(throws: DomainXMLError.self) { try DisplaySoundCommandLineTests.definition(twice) }
        #expect(error.virtError.message.contains("an <encryption> definition already found for disk source"))
    }
}
