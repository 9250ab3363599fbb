import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtQEMU
@testable import SwiftVirtSystem

@Suite struct HotplugPiecesTests {
    @Test func blockdevOptionsBecomeBlockdevAddArguments() {
        let args = QEMUDomain.blockdevArguments(
            "driver=file,filename=/a,,b.img,node-name=libvirt-3-storage,cache.direct=on,cache.no-flush=off,"
                + "auto-read-only=on,discard=unmap")
        #expect(
            args == [
                "driver": .string("file"), "filename": .string("/a,b.img"), "node-name": .string("libvirt-3-storage"),
                "cache": .object(["direct": .bool(true), "no-flush": .bool(false)]), "auto-read-only": .bool(true),
                "discard": .string("unmap"),
            ])
        // detect-zeroes takes on/off as an enumeration, not a boolean.
        let format = QEMUDomain.blockdevArguments("node-name=f,read-only=off,detect-zeroes=on,driver=qcow2,file=s")
        #expect(format["read-only"] == .bool(false) && format["detect-zeroes"] == .string("on"))
    }

    @Test func diskPiecesAreTheStartsPiecesWithTheGivenNodeNumber() throws {
        var def = try DomainXML.parse(
            """
            <domain type='qemu'><name>h</name><memory>65536</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>
            <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/d.qcow2'/>
            <target dev='vdb' bus='virtio'/><address type='pci' domain='0' bus='0' slot='5' function='0'/></disk></devices></domain>
            """)
        def.applyCommonDefaults()
        var builder = ArgumentBuilder(
            definition: def,
            context: QEMUCommandLine.Context(accelerator: .usable, monitorSocketPath: "/m", channelDirectory: "/c"))
        let pieces = try builder.diskPieces(0, nodeIndex: 7)
        #expect(pieces.blockdevs.count == 2)
        #expect(pieces.blockdevs[0].contains("node-name=libvirt-7-storage") && pieces.blockdevs[0].contains("filename=/d.qcow2"))
        #expect(pieces.blockdevs[1].contains("node-name=libvirt-7-format") && pieces.blockdevs[1].contains("driver=qcow2"))
        #expect(pieces.device.hasPrefix("virtio-blk-pci,bus=pci.0,addr=0x5,drive=libvirt-7-format"))
        #expect(throws: VirtError.self) { try QEMUDomain.refuseHotplug(Disk(sourcePath: "/x", targetDev: "sda", targetBus: .sata)) }
    }
}
