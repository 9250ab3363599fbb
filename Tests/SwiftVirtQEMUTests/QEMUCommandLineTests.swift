import Foundation
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

let goldenContext = QEMUCommandLine.Context(
    accelerator: .presentButUnusable(reason: "recorded"),
    monitorSocketPath: "/run/swiftvirt/qemu/domain-1-guest/monitor.sock",
    channelDirectory: "/run/swiftvirt/qemu/domain-1-guest/channel")

@Suite struct QEMUCommandLineGoldenTests {
    static let goldenDirectory = Bundle.module.resourceURL?.appendingPathComponent("Golden")

    /// Compares with Golden/NAME.args (one argument per line). SVQ_REGENERATE=DIR writes the files to DIR instead.
    @Test(arguments: GoldenDefinitions.all.map(\.name))
    func matchesGoldenFile(name: String) throws {
        let definition = try #require(GoldenDefinitions.all.first { $0.name == name }?.definition)
        let argv = try QEMUCommandLine(definition: definition, context: goldenContext).argv
        let text = argv.joined(separator: "\n") + "\n"
        if let dir = ProcessInfo.processInfo.environment["SVQ_REGENERATE"] {
            try text.write(toFile: "\(dir)/\(name).args", atomically: true, encoding: .utf8)
            return
        }
        let url = try #require(Self.goldenDirectory?.appendingPathComponent("\(name).args"))
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected)
    }

    /// A tap QEMU cannot open by name (macvtap) is passed as an inherited descriptor.
    @Test func tapGivenByDescriptorIsPassedByNumber() throws {
        var d = GoldenDefinitions.minimal()
        var nic = NetworkInterface(type: .network, source: "mv", mac: MACAddress(string: "52:54:00:00:00:09"))
        nic.targetDev = "macvtap3"
        d.devices.interfaces = [nic]
        var ctx = goldenContext
        ctx.tapFDs = ["macvtap3": 27]
        let argv = try QEMUCommandLine(definition: d, context: ctx).argv
        #expect(argv.contains("tap,fd=27,id=hostnet0"))
        #expect(!argv.contains { $0.contains("ifname=macvtap3") })
    }

    @Test func kvmOnUnusableHostNamesTheProbeReason() {
        var d = GoldenDefinitions.minimal()
        d.virtType = .kvm
        let ctx = QEMUCommandLine.Context(
            accelerator: .presentButUnusable(reason: "loop ran at 2.8e+06 instructions/s"), monitorSocketPath: "/m",
            channelDirectory: "/c")
        #expect(throws: QEMUCommandLineError.self) { try QEMUCommandLine(definition: d, context: ctx) }
        do {
            _ = try QEMUCommandLine(definition: d, context: ctx)
        } catch let error as QEMUCommandLineError {
            #expect(error.virtError.code == .configUnsupported)
            #expect(error.virtError.message.contains("loop ran at 2.8e+06 instructions/s"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func kvmOnUsableHostSelectsKVM() throws {
        var d = GoldenDefinitions.minimal()
        d.virtType = .kvm
        let ctx = QEMUCommandLine.Context(accelerator: .usable, monitorSocketPath: "/m", channelDirectory: "/c")
        let args = try QEMUCommandLine(definition: d, context: ctx).arguments
        #expect(args.firstIndex(of: "-accel").map { args[$0 + 1] } == "kvm")
    }

    @Test func networkInterfacesAreRejectedByName() {
        var d = GoldenDefinitions.minimal()
        d.devices.interfaces = [NetworkInterface(type: .network, source: "default")]
        #expect(throws: QEMUCommandLineError.self) { try QEMUCommandLine(definition: d, context: goldenContext) }
    }

    /// Defined and kept, but not run: the start fails with VIR_ERR_CONFIG_UNSUPPORTED naming what.
    @Test(arguments: [
        (
            "<memballoon model='virtio' autodeflate='on'/>",
            "attribute 'autodeflate' of <devices/memballoon> is not supported by SwiftVirt's QEMU driver"
        ),
        (
            "<tpm model='tpm-crb'><backend type='external'><source type='unix' mode='connect' path='/run/swtpm.sock'/>"
                + "</backend></tpm>",
            "<devices/tpm> is not supported by SwiftVirt's QEMU driver"
        ),
        (
            "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/><product id='0xbeef'/></source></hostdev>",
            "<devices/hostdev type='usb'> is not supported by SwiftVirt's QEMU driver"
        ),
        (
            "<filesystem type='mount'><driver type='virtiofs'/><source socket='/run/vfs.sock'/><target dir='srv'/></filesystem>",
            "<devices/filesystem type='mount'> is not supported by SwiftVirt's QEMU driver"
        ),
        (
            "<memory model='sgx-epc'><target><size unit='MiB'>64</size></target></memory>",
            "<devices/memory model='sgx-epc'> is not supported by SwiftVirt's QEMU driver"
        ),
    ])
    func keptConfigurationDoesNotStart(device: String, message: String) throws {
        let xml = """
            <domain type='qemu'><name>k</name><memory>65536</memory><os><type>hvm</type></os>
            <devices>\(device)</devices></domain>
            """
        var d = try DomainXML.parse(xml)
        try d.applyDefaults()
        #expect {
            try QEMUCommandLine(definition: d, context: goldenContext)
        } throws: { error in
            let v = (error as? QEMUCommandLineError)?.virtError
            return v?.code == .configUnsupported && v?.message == "unsupported configuration: " + message
        }
    }

    /// Kept families the driver runs, with libvirt's spelling of their options.
    @Test func keptFamiliesThatRunBecomeQEMUOptions() throws {
        let xml = """
            <domain type='qemu'><name>k</name><maxMemory slots='4' unit='MiB'>2048</maxMemory>
            <memory unit='MiB'>416</memory><os><type machine='q35'>hvm</type></os>
            <cpu><numa><cell id='0' cpus='0' memory='256' unit='MiB'/></numa></cpu><devices>
            <filesystem type='mount' accessmode='squash'><driver type='path' wrpolicy='immediate'/>
              <source dir='/srv/a,b'/><target dir='data'/><readonly/></filesystem>
            <shmem name='ring' role='master'><model type='ivshmem-plain'/><size unit='M'>2</size></shmem>
            <memory model='nvdimm'><source><path>/var/lib/pmem0</path></source>
              <target><size unit='MiB'>64</size><node>0</node><label><size unit='KiB'>128</size></label></target></memory>
            <memory model='virtio-pmem'><source><path>/var/lib/pmem1</path></source><target><size unit='MiB'>32</size></target></memory>
            <memory model='virtio-mem'><target><size unit='MiB'>64</size><node>0</node><block unit='MiB'>2</block><requested unit='MiB'>16</requested></target></memory>
            <iommu model='virtio'/><lease><lockspace>s</lockspace><key>k</key><target path='/l'/></lease>
            </devices></domain>
            """
        var d = try DomainXML.parse(xml)
        try d.applyDefaults()
        let argv = try QEMUCommandLine(definition: d, context: goldenContext).argv
        let joined = argv.joined(separator: " ")
        #expect(argv.contains("size=262144k,slots=4,maxmem=2097152k"), "initial memory leaves out the modules: \(argv)")
        #expect(argv.contains("memory-backend-file,id=memvirtiopmem0,mem-path=/var/lib/pmem1,share=on,size=33554432"))
        #expect(argv.contains { $0.hasPrefix("virtio-pmem-pci,memdev=memvirtiopmem0,id=virtiopmem0,bus=") })
        #expect(argv.contains("memory-backend-ram,id=memvirtiomem0,size=65536k,reserve=off"), "\(argv)")
        #expect(argv.contains {
            $0.hasPrefix("virtio-mem-pci,node=0,block-size=2097152,requested-size=16777216,memdev=memvirtiomem0,id=virtiomem0,bus=")
        })
        #expect(joined.contains("nvdimm=on"))
        #expect(argv.contains("memory-backend-file,id=memnvdimm0,mem-path=/var/lib/pmem0,share=on,size=67108864"))
        #expect(argv.contains("nvdimm,node=0,label-size=131072,memdev=memnvdimm0,id=nvdimm0,slot=0"))
        #expect(argv.contains("local,security_model=none,writeout=immediate,id=fsdev-fs0,path=/srv/a,,b,readonly=on"))
        #expect(argv.contains { $0.hasPrefix("virtio-9p-pci,id=fs0,fsdev=fsdev-fs0,mount_tag=data,bus=") })
        #expect(argv.contains("memory-backend-file,id=shmmem-shmem0,mem-path=/dev/shm/ring,size=2097152,share=on"))
        #expect(argv.contains { $0.hasPrefix("ivshmem-plain,id=shmem0,memdev=shmmem-shmem0,master=on,bus=") })
        #expect(argv.contains { $0.hasPrefix("virtio-iommu-pci,id=iommu0,bus=") })
        // libvirt's order: the IOMMU before the controllers, shared memory last.
        let iommu = try #require(argv.firstIndex { $0.hasPrefix("virtio-iommu-pci") })
        let shmem = try #require(argv.firstIndex { $0.hasPrefix("ivshmem-plain") })
        let fs = try #require(argv.firstIndex { $0.hasPrefix("virtio-9p-pci") })
        #expect(iommu < fs && fs < shmem)
    }

    @Test func sharedMemoryOfNoPowerOfTwoSizeDoesNotStart() throws {
        let xml = """
            <domain type='qemu'><name>k</name><memory>65536</memory><os><type>hvm</type></os>
            <devices><shmem name='odd'><model type='ivshmem-plain'/><size unit='M'>3</size></shmem></devices></domain>
            """
        var d = try DomainXML.parse(xml)
        try d.applyDefaults()
        #expect(throws: QEMUCommandLineError.invalid("shmem size must be a power of two")) {
            try QEMUCommandLine(definition: d, context: goldenContext)
        }
    }

    @Test func pciAddressOnMissingBusIsInvalid() {
        var d = GoldenDefinitions.minimal()
        d.devices.memballoon?.address = GoldenDefinitions.pci(3, bus: 5)
        #expect(throws: QEMUCommandLineError.invalid("PCI address names bus 5 but no pci controller has index 5")) {
            try QEMUCommandLine(definition: d, context: goldenContext)
        }
    }
}

/// Every golden definition, with its host paths pointed at scratch files, must be accepted by real QEMU 7.2:
/// it starts (paused, -S) and answers query-status over the monitor socket the command line created.
@Suite(.enabled(if: qemuInstalled)) struct QEMUCommandLineRealQEMUTests {
    @Test(arguments: GoldenDefinitions.all.map(\.name) + QEMUCommandLineXMLGoldenTests.fixtures.map { $0 + ".xml" })
    func realQEMUAcceptsTheCommandLine(name: String) async throws {
        let dir = try ScratchDirectory()
        var d =
            try GoldenDefinitions.all.first { $0.name == name }?.definition
            ?? QEMUCommandLineXMLGoldenTests.completedDefinition(String(name.dropLast(4)))
        for i in d.devices.disks.indices where d.devices.disks[i].sourcePath != nil {
            let image = "\(dir.path)/disk\(i).img"
            _ = FileManager.default.createFile(atPath: image, contents: Data(count: 1 << 20))
            d.devices.disks[i].sourcePath = image
            d.devices.disks[i].type = .file
            d.devices.disks[i].driver?.format = .raw
            d.devices.disks[i].driver?.io = nil
        }
        // A bridge needs root and /etc/qemu/bridge.conf; kernel paths need a real kernel: neither is what we test.
        d.devices.interfaces.removeAll { $0.type == .bridge }
        d.os.kernel = nil
        d.os.initrd = nil
        d.os.cmdline = nil
        for i in d.devices.serials.indices {
            if d.devices.serials[i].log != nil { d.devices.serials[i].log?.file = "\(dir.path)/serial\(i).log" }
            if d.devices.serials[i].type == .file { d.devices.serials[i].source?.path = "\(dir.path)/serial\(i).txt" }
        }
        d.devices.channels.removeAll { $0.type == .tcp }
        for i in d.devices.audios.indices where d.devices.audios[i].path != nil {
            d.devices.audios[i].path = "\(dir.path)/audio\(i).wav"
        }
        let ctx = QEMUCommandLine.Context(
            accelerator: .absent(reason: "test"), monitorSocketPath: "\(dir.path)/m.sock", channelDirectory: dir.path)
        let line = try QEMUCommandLine(definition: d, context: ctx)
        let process = try QEMUProcess.spawn(
            executable: line.executable, arguments: line.arguments, logPath: "\(dir.path)/qemu.log")
        defer { process.signal(SIGKILL) }
        do {
            try await waitForFile("\(dir.path)/m.sock", timeout: .seconds(5))
        } catch {
            let log = (try? String(contentsOfFile: "\(dir.path)/qemu.log", encoding: .utf8)) ?? ""
            Issue.record("QEMU did not start: \(log.suffix(600))")
            return
        }
        let client = try await connectWhenListening("\(dir.path)/m.sock")
        let status = try await client.execute("query-status")
        #expect(status["status"]?.stringValue == "prelaunch")
        _ = try await client.execute("cont")
        #expect(try await client.execute("query-status")["status"]?.stringValue == "running")
        await client.close()
    }
}

/// Golden/NAME.xml, completed by the core exactly as `define` does, must give Golden/NAME.xml.args.
@Suite struct QEMUCommandLineXMLGoldenTests {
    static let fixtures = ["demo", "pc-devices", "q35-sata", "q35-controllers", "pc-bridges", "spice-q35"]

    /// Golden/NAME.xml parsed, completed with defaults and validated, as `define` stores it.
    static func completedDefinition(_ name: String) throws -> DomainDefinition {
        let dir = try #require(QEMUCommandLineGoldenTests.goldenDirectory)
        let xml = try String(contentsOf: dir.appendingPathComponent("\(name).xml"), encoding: .utf8)
        var definition = try DomainXML.parse(xml)
        try definition.applyDefaults()
        try definition.validate()
        return definition
    }

    @Test(arguments: fixtures)
    func xmlFixtureMatchesGoldenArgs(name: String) throws {
        let dir = try #require(QEMUCommandLineGoldenTests.goldenDirectory)
        let definition = try Self.completedDefinition(name)
        let text =
            try QEMUCommandLine(definition: definition, context: goldenContext).argv.joined(separator: "\n") + "\n"
        if let out = ProcessInfo.processInfo.environment["SVQ_REGENERATE"] {
            try text.write(toFile: "\(out)/\(name).xml.args", atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: dir.appendingPathComponent("\(name).xml.args"), encoding: .utf8)
        #expect(text == expected)
    }
}
