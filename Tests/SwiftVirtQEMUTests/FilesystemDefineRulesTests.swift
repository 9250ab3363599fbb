import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// libvirt 9.0's define-time checks of `<filesystem>` for QEMU, with its words.
@Suite struct FilesystemDefineRulesTests {
    static func definition(_ filesystem: String, memory: String = "") throws -> DomainDefinition {
        var d = try DomainXML.parse(
            """
            <domain type='qemu'><name>f</name><memory>65536</memory>\(memory)<os><type>hvm</type></os>
            <devices>\(filesystem)</devices></domain>
            """)
        try d.applyDefaults()
        return d
    }

    static func refusal(_ d: DomainDefinition) -> String? {
        do {
            try QEMUDefinitionRules.check(d)
            return nil
        } catch {
            return error.virtError.message
        }
    }

    static let shared = "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"

    @Test(arguments: [
        ("<driver type='virtiofs'/>", "", "unsupported configuration: 'virtiofs' requires shared memory"),
        ("<driver type='virtiofs'/><readonly/>", shared, "unsupported configuration: virtiofs does not yet support read-only mode"),
        ("<driver type='path'/><binary><sandbox mode='chroot'/></binary>", "",
         "unsupported configuration: sandbox can only be used with driver=virtiofs"),
    ])
    func refusedAsLibvirtRefuses(inner: String, memory: String, message: String) throws {
        let d = try Self.definition(
            "<filesystem type='mount'>\(inner)<source dir='/srv'/><target dir='srv'/></filesystem>", memory: memory)
        // The message is libvirt's, then where: (<devices/filesystem>, line N).
        #expect(Self.refusal(d)?.hasPrefix(message + " (<devices/filesystem>") == true, "\(Self.refusal(d) ?? "accepted")")
    }

    @Test func virtiofsWithSharedMemoryAndMappedNinePAreAccepted() throws {
        let d = try Self.definition(
            "<filesystem><driver type='virtiofs'/><source dir='/srv'/><target dir='srv'/></filesystem>"
                + "<filesystem accessmode='mapped' fmode='644' dmode='755'><source dir='/a'/><target dir='a'/></filesystem>",
            memory: Self.shared)
        #expect(Self.refusal(d) == nil)
        // libvirt's post-parse: type and access mode written out.
        let xml = DomainXML.format(d)
        #expect(xml.contains("<filesystem type='mount' accessmode='passthrough'>"), "\(xml)")
        #expect(xml.contains("<filesystem type='mount' accessmode='mapped' fmode='644' dmode='755'>"), "\(xml)")
    }

    @Test func modesWithoutMappedAccessAreRefused() throws {
        let d = try Self.definition("<filesystem fmode='644'><source dir='/a'/><target dir='a'/></filesystem>")
        #expect(
            Self.refusal(d)?.hasPrefix("unsupported configuration: fmode and dmode must be used with accessmode=mapped")
                == true)
    }
}
