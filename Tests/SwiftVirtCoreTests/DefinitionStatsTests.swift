import Foundation
import SwiftVirtCore
import Testing

/// An inactive domain's statistics record, made from its definition and its image files as libvirt makes it.
struct DefinitionStatsTests {
    @Test func inactiveRecordGroupsFromTheDefinitionAndImageFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("defstats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A qcow2 header saying 1 GiB, in a 4 KiB file; and a sparse 16 MiB raw file.
        var header = [UInt8](repeating: 0, count: 4096)
        header.replaceSubrange(0..<4, with: [0x51, 0x46, 0x49, 0xFB])
        header.replaceSubrange(24..<32, with: [0, 0, 0, 0, 0x40, 0, 0, 0])
        let qcow2 = dir.appendingPathComponent("a.qcow2").path
        try Data(header).write(to: URL(fileURLWithPath: qcow2))
        let raw = dir.appendingPathComponent("b.raw").path
        #expect(FileManager.default.createFile(atPath: raw, contents: nil))
        try FileHandle(forWritingTo: URL(fileURLWithPath: raw)).truncate(atOffset: 16 << 20)
        var def = try DomainXML.parse(
            """
            <domain type='qemu'><name>s</name><memory>262144</memory><currentMemory>131072</currentMemory>
            <vcpu current='1'>2</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
            <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='\(qcow2)'/>
            <target dev='vda' bus='virtio'/></disk>
            <disk type='file' device='disk'><source file='\(raw)'/><target dev='vdb' bus='virtio'/></disk>
            <disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>
            <memballoon model='virtio'/></devices></domain>
            """)
        func names(_ group: DomainStatsGroup) -> [String] { DefinitionStats.inactive(group, of: def).map(\.description) }

        #expect(names(.cpuTotal) == ["cpu.time=ullong(0)", "cpu.user=ullong(0)", "cpu.system=ullong(0)"])
        #expect(names(.balloon) == ["balloon.current=ullong(131072)", "balloon.maximum=ullong(262144)"])
        #expect(names(.vcpu) == ["vcpu.current=uint(1)", "vcpu.maximum=uint(2)"])
        #expect(names(.interface).isEmpty && names(.dirtyRate).isEmpty)
        let block = DefinitionStats.inactive(.block, of: def)
        #expect(block.first == TypedStat("block.count", .uint(3)))
        #expect(block.contains(TypedStat("block.0.capacity", .ullong(1 << 30))))
        #expect(block.contains(TypedStat("block.0.physical", .ullong(4096))))
        #expect(block.contains(TypedStat("block.1.path", .string(raw))))
        #expect(block.contains(TypedStat("block.1.capacity", .ullong(16 << 20))))
        // Nothing allocated to the sparse file: no allocation entry, as libvirt leaves out zeros.
        #expect(!block.contains { $0.name == "block.1.allocation" })
        #expect(block.suffix(1) == [TypedStat("block.2.name", .string("hdc"))])
        #expect(!block.contains { $0.name.hasSuffix("backingIndex") })

        // Without a balloon the guest has all its memory.
        def.devices.memballoon = nil
        #expect(names(.balloon) == ["balloon.current=ullong(262144)", "balloon.maximum=ullong(262144)"])
    }

    @Test func balloonStatsPeriodIsReadAndWrittenAsLibvirtDoes() throws {
        func balloon(_ inner: String) throws -> DomainDefinition {
            try DomainXML.parse(
                "<domain type='qemu'><name>p</name><memory>65536</memory><os><type>hvm</type></os><devices>"
                    + "<memballoon model='virtio'>\(inner)</memballoon></devices></domain>")
        }
        let def = try balloon("<stats period='10'/>")
        #expect(def.devices.memballoon?.statsPeriod == 10)
        let xml = DomainXML.format(def)
        #expect(xml.contains("<memballoon model='virtio'>\n      <stats period='10'/>\n    </memballoon>"), "\(xml)")
        // Negative is none; none is not written.
        let none = try balloon("<stats period='-5'/>")
        #expect(none.devices.memballoon?.statsPeriod == 0)
        #expect(!DomainXML.format(none).contains("<stats"))
    }
}
