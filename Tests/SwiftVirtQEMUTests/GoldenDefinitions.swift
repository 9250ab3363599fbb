import SwiftVirtCore

/// Domain definitions for the golden command-line tests, built as the core's `define` would complete them
/// (addresses and aliases filled in). Named after their Golden/*.args files.
enum GoldenDefinitions {
    static func pci(_ slot: Int, function: Int = 0, bus: Int = 0, multifunction: OnOff? = nil) -> DeviceAddress {
        .pci(PCIAddress(bus: bus, slot: slot, function: function, multifunction: multifunction))
    }

    /// The smallest bootable guest: SeaBIOS, a pty serial, nothing else.
    static func minimal(name: String = "minimal") -> DomainDefinition {
        var d = DomainDefinition()
        d.name = name
        d.uuid = DomainUUID(string: "c7a5fdbd-edaf-9455-926a-d65c16db1809") ?? .random()
        d.memoryKiB = 65536
        d.currentMemoryKiB = 65536
        d.os.arch = "x86_64"
        d.os.machine = "pc-i440fx-7.2"
        d.os.bootDevices = [.hd]
        d.features = DomainFeatures(acpi: true, apic: true)
        var root = Controller(type: .pci, index: 0, model: .pciRoot)
        root.alias = "pci.0"
        var usb = Controller(type: .usb, index: 0, model: .piix3UHCI)
        usb.address = pci(1, function: 2)
        usb.alias = "usb"
        d.devices.controllers = [root, usb]
        var serial = CharDevice(type: .pty, targetType: .isaSerial, targetPort: 0)
        serial.targetModel = "isa-serial"
        serial.alias = "serial0"
        var console = CharDevice(type: .pty, targetType: .serial, targetPort: 0)
        console.alias = "serial0"
        d.devices.serials = [serial]
        d.devices.consoles = [console]
        var balloon = MemoryBalloon(model: .virtio)
        balloon.address = pci(3)
        balloon.alias = "balloon0"
        d.devices.memballoon = balloon
        return d
    }

    /// A direct-kernel boot on pc with most device kinds.
    static func fullPC() -> DomainDefinition {
        var d = minimal(name: "full,pc")
        d.virtType = .qemu
        d.vcpus = 4
        d.currentVcpus = 2
        d.os.bootDevices = []
        d.os.kernel = "/var/lib/swiftvirt/images/vmlinuz"
        d.os.initrd = "/var/lib/swiftvirt/images/initrd.img"
        d.os.cmdline = "console=ttyS0 quiet"
        d.os.bootMenu = BootMenu(enable: true, timeout: 3000)
        d.features.vmport = .off
        var cpu = DomainCPU(mode: .custom)
        cpu.model = .init(name: "qemu64")
        cpu.topology = .init(sockets: 1, cores: 2, threads: 2)
        cpu.features = [.init(policy: .require, name: "sse4.2"), .init(policy: .disable, name: "svm")]
        d.cpu = cpu
        d.clock = DomainClock(
            offset: .localtime, timers: [.init(name: .rtc, tickpolicy: .catchup), .init(name: .hpet, present: false)])
        d.pm = PowerManagement(suspendToMem: false, suspendToDisk: false)
        d.onPoweroff = .destroy
        d.onReboot = .destroy

        var ide = Controller(type: .ide, index: 0)
        ide.address = pci(1, function: 1)
        ide.alias = "ide"
        var vser = Controller(type: .virtioSerial, index: 0)
        vser.address = pci(5)
        vser.alias = "virtio-serial0"
        var scsi = Controller(type: .scsi, index: 0, model: .virtioSCSI)
        scsi.address = pci(6)
        scsi.alias = "scsi0"
        d.devices.controllers += [ide, vser, scsi]

        var root = Disk(sourcePath: "/var/lib/swiftvirt/images/root.qcow2", targetDev: "vda", targetBus: .virtio)
        root.driver = .init(format: .qcow2, cache: Disk.Cache.none, discard: .unmap, io: .native)
        root.address = pci(4)
        root.alias = "virtio-disk0"
        root.bootOrder = 1
        root.serial = "ROOT-1"
        var data = Disk(type: .block, sourcePath: "/dev/vg0/data", targetDev: "sda", targetBus: .scsi)
        data.driver = .init(format: .raw, cache: .writethrough)
        data.address = .drive(DriveAddress(controller: 0, bus: 0, target: 0, unit: 0))
        data.alias = "scsi0-0-0-0"
        data.shareable = true
        var cdrom = Disk(device: .cdrom, targetDev: "hdc", targetBus: .ide)
        cdrom.address = .drive(DriveAddress(controller: 0, bus: 1, target: 0, unit: 0))
        cdrom.alias = "ide0-1-0"
        cdrom.readOnly = true
        d.devices.disks = [root, data, cdrom]

        var user = NetworkInterface(type: .user, mac: MACAddress(string: "52:54:00:12:34:56"), model: .virtio)
        user.address = pci(2)
        user.alias = "net0"
        var bridged = NetworkInterface(
            type: .bridge, source: "br0", mac: MACAddress(string: "52:54:00:ab:cd:ef"), model: .e1000)
        bridged.address = pci(7)
        bridged.alias = "net1"
        d.devices.interfaces = [user, bridged]

        d.devices.serials[0].log = .init(file: "/var/log/swiftvirt/full-serial.log", append: .on)
        var fileSerial = CharDevice(
            type: .file, source: .init(path: "/tmp/serial1.txt", append: .on), targetType: .isaSerial, targetPort: 1)
        fileSerial.alias = "serial1"
        d.devices.serials.append(fileSerial)
        var agent = CharDevice(type: .unix, source: .init(mode: .bind), targetType: .virtio)
        agent.targetName = "org.qemu.guest_agent.0"
        agent.address = .virtioSerial(VirtioSerialAddress(controller: 0, bus: 0, port: 1))
        agent.alias = "channel0"
        var tcp = CharDevice(
            type: .tcp, source: .init(mode: .bind, host: "127.0.0.1", service: "4555"), targetType: .virtio)
        tcp.tcpProtocol = .telnet
        tcp.targetName = "org.example.telnet"
        tcp.address = .virtioSerial(VirtioSerialAddress(controller: 0, bus: 0, port: 2))
        tcp.alias = "channel1"
        d.devices.channels = [agent, tcp]

        var tablet = InputDevice(type: .tablet, bus: .usb)
        tablet.address = .usb(USBAddress(bus: 0, port: "1"))
        tablet.alias = "input0"
        var mouse = InputDevice(type: .mouse, bus: .ps2)
        mouse.alias = "input1"
        var keyboard = InputDevice(type: .keyboard, bus: .ps2)
        keyboard.alias = "input2"
        d.devices.inputs = [tablet, mouse, keyboard]
        d.devices.graphics = [Graphics(port: -1, autoport: true, listenAddress: "127.0.0.1")]
        var video = VideoDevice(model: .vga, vram: 16384, heads: 1, primary: true)
        video.address = pci(8)
        video.alias = "video0"
        d.devices.videos = [video]
        var sound = SoundDevice(model: .ich6)
        sound.address = pci(9)
        sound.alias = "sound0"
        d.devices.sounds = [sound]
        var watchdog = WatchdogDevice(model: .i6300esb, action: .poweroff)
        watchdog.address = pci(10)
        watchdog.alias = "watchdog0"
        d.devices.watchdog = watchdog
        d.devices.memballoon?.address = pci(11)
        var rng = RNGDevice(backendPath: "/dev/urandom")
        rng.address = pci(12)
        rng.alias = "rng0"
        d.devices.rngs = [rng]
        var panic = PanicDevice(model: .isa)
        panic.address = .isa(ISAAddress(iobase: 0x505))
        panic.alias = "panic0"
        d.devices.panics = [panic]
        var hub = HubDevice()
        hub.address = .usb(USBAddress(bus: 0, port: "2"))
        hub.alias = "hub0"
        d.devices.hubs = [hub]
        return d
    }

    /// q35 with PCIe root ports, the built-in AHCI and an xhci controller.
    static func q35() -> DomainDefinition {
        var d = minimal(name: "q35")
        d.os.machine = "q35"
        d.os.bootDevices = []
        d.vcpus = 2
        d.cpu = DomainCPU(mode: .hostModel)
        var root = Controller(type: .pci, index: 0, model: .pcieRoot)
        root.alias = "pcie.0"
        var port1 = Controller(type: .pci, index: 1, model: .pcieRootPort)
        port1.modelName = .pcieRootPort
        port1.target.chassis = 1
        port1.target.port = 0x10
        port1.address = pci(2, multifunction: .on)
        port1.alias = "pci.1"
        var port2 = Controller(type: .pci, index: 2, model: .pcieRootPort)
        port2.modelName = .pcieRootPort
        port2.target.chassis = 2
        port2.target.port = 0x11
        port2.address = pci(2, function: 1)
        port2.alias = "pci.2"
        var sata = Controller(type: .sata, index: 0)
        sata.address = pci(0x1f, function: 2)
        sata.alias = "ide"
        var usb = Controller(type: .usb, index: 0, model: .qemuXHCI)
        usb.address = pci(0, bus: 2)
        usb.alias = "usb"
        d.devices.controllers = [root, port1, port2, sata, usb]
        var cdrom = Disk(device: .cdrom, sourcePath: "/srv/iso/debian.iso", targetDev: "sda", targetBus: .sata)
        cdrom.driver = .init(format: .raw)
        cdrom.address = .drive(DriveAddress(controller: 0, bus: 0, target: 0, unit: 0))
        cdrom.alias = "sata0-0-0"
        cdrom.readOnly = true
        cdrom.bootOrder = 1
        d.devices.disks = [cdrom]
        var net = NetworkInterface(type: .user, mac: MACAddress(string: "52:54:00:00:00:01"), model: .virtio)
        net.address = pci(0, bus: 1)
        net.alias = "net0"
        d.devices.interfaces = [net]
        d.devices.memballoon = nil
        return d
    }

    static let all: [(name: String, definition: DomainDefinition)] = [
        ("minimal", minimal()), ("full-pc", fullPC()), ("q35", q35()),
    ]
}
