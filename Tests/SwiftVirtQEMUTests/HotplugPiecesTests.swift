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

@Suite struct ShmemPiecesTests {
    @Test func ivshmemPlainIsASharedFileBackendAndTheDevice() throws {
        var def = try DomainXML.parse(
            """
            <domain type='qemu'><name>h</name><memory>65536</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>
            <devices><shmem name='sh,m' role='peer'><model type='ivshmem-plain'/><size unit='M'>8</size>
            <address type='pci' domain='0' bus='0' slot='6' function='0'/></shmem></devices></domain>
            """)
        def.applyCommonDefaults()
        def.devices.generic[0].alias = "shmem0"
        var builder = ArgumentBuilder(
            definition: def,
            context: QEMUCommandLine.Context(accelerator: .usable, monitorSocketPath: "/m", channelDirectory: "/c"))
        let options = try builder.hotplugOptions("shmem0")
        #expect(options.map(\.option) == ["-object", "-device"])
        #expect(options[0].value == "memory-backend-file,id=shmmem-shmem0,mem-path=/dev/shm/sh,,m,size=8388608,share=on")
        #expect(options[1].value == "ivshmem-plain,id=shmem0,memdev=shmmem-shmem0,master=off,bus=pci.0,addr=0x6")
    }

    @Test func sizesAreLibvirtsScaledPowersOfTwo() throws {
        func size(_ xml: String) throws -> UInt64 {
            let e = try XMLParser.parse(xml)
            return try ArgumentBuilder.shmemSize(KeptXML(e))
        }
        #expect(try ArgumentBuilder.shmemSize(nil) == 4 << 20)
        #expect(try size("<size unit='M'>4</size>") == 4 << 20)
        #expect(try size("<size unit='GiB'>1</size>") == 1 << 30)
        #expect(try size("<size>2097152</size>") == 2 << 20)
        #expect(throws: QEMUCommandLineError.self) { try size("<size unit='M'>3</size>") }
    }
}
