import Foundation
import Glibc
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// SPICE, VNC, QXL, sound, audio, USB redirection and watchdog arguments as libvirt 9.0 builds them (the expected
/// strings are libvirt's `domxml-to-native` output for the same definitions, JSON written as QEMU's key=value), and
/// what is refused when this QEMU cannot run it.
@Suite struct DisplaySoundCommandLineTests {
    static func definition(_ devices: String, machine: String = "q35") throws -> DomainDefinition {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type machine='\(machine)'>hvm</type></os>"
                + "<devices>\(devices)</devices></domain>")
        try d.applyDefaults()
        try d.validate()
        return d
    }

    static func arguments(
        _ devices: String, machine: String = "q35", features: QEMUFeatures = .debianQEMU72, spicePort: Int? = nil
    ) throws -> [String] {
        var ctx = goldenContext
        ctx.features = features
        ctx.spicePort = spicePort
        return try QEMUCommandLine(definition: try definition(devices, machine: machine), context: ctx).arguments
    }

    /// The value after each occurrence of `option`.
    static func values(_ option: String, in args: [String]) -> [String] {
        args.indices.filter { args[$0] == option && $0 + 1 < args.count }.map { args[$0 + 1] }
    }

    static func refusal(
        _ devices: String, machine: String = "q35", features: QEMUFeatures = .debianQEMU72
    ) throws -> VirtError {
        let error = try #require(throws: QEMUCommandLineError.self) {
            try arguments(devices, machine: machine, features: features)
        }
        return error.virtError
    }

    @Test func virtInstallSpiceGuest() throws {
        let args = try Self.arguments(
            "<graphics type='spice' port='-1' tlsPort='-1' autoport='yes'><image compression='off'/></graphics>"
                + "<channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>"
                + "<input type='tablet' bus='usb'/><sound model='ich9'/><video><model type='virtio'/></video>"
                + "<redirdev bus='usb' type='spicevmc'/><redirdev bus='usb' type='spicevmc'/>", spicePort: 5907)
        #expect(
            Self.values("-spice", in: args)
                == ["port=5907,addr=127.0.0.1,disable-ticketing=on,image-compression=off,seamless-migration=on"])
        #expect(Self.values("-audiodev", in: args) == ["id=audio1,driver=spice"])
        #expect(!args.contains("-vnc") && !args.contains("-display"))
        let devices = Self.values("-device", in: args)
        #expect(devices.contains("ich9-intel-hda,id=sound0,bus=pcie.0,addr=0x1b"))
        #expect(devices.contains("hda-duplex,id=sound0-codec0,bus=sound0.0,cad=0,audiodev=audio1"))
        #expect(devices.contains("virtio-vga,id=video0,max_outputs=1,bus=pcie.0,addr=0x1"))
        #expect(devices.contains("usb-redir,chardev=charredir0,id=redir0,bus=usb.0,port=2"))
        #expect(devices.contains("usb-redir,chardev=charredir1,id=redir1,bus=usb.0,port=3"))
        #expect(devices.contains { $0.hasPrefix("virtserialport,bus=virtio-serial0.0,nr=1,chardev=charchannel0,id=channel0,name=com.redhat.spice.0") })
        let chardevs = Self.values("-chardev", in: args)
        #expect(chardevs.contains("spicevmc,id=charchannel0,name=vdagent"))
        #expect(chardevs.filter { $0.hasPrefix("spicevmc,id=charredir") && $0.hasSuffix(",name=usbredir") }.count == 2)
    }

    /// domxml-to-native, where nothing is allocated: libvirt writes 5901 for the port it would pick.
    @Test func unallocatedSpicePortIsWrittenAs5901() throws {
        let args = try Self.arguments("<graphics type='spice' autoport='yes'/>")
        #expect(Self.values("-spice", in: args) == ["port=5901,addr=127.0.0.1,disable-ticketing=on,seamless-migration=on"])
    }

    @Test func spiceOptionsListensAndKeymap() throws {
        let options = try Self.arguments(
            "<graphics type='spice' port='5930' autoport='no' listen='0.0.0.0' keymap='de' defaultMode='insecure'>"
                + "<channel name='inputs' mode='insecure'/><image compression='auto_glz'/><jpeg compression='never'/>"
                + "<zlib compression='always'/><playback compression='on'/><streaming mode='filter'/>"
                + "<mouse mode='client'/><clipboard copypaste='no'/><filetransfer enable='no'/><gl enable='no'/>"
                + "</graphics>")
        #expect(
            Self.values("-spice", in: options)
                == [
                    "port=5930,addr=0.0.0.0,agent-mouse=on,disable-ticketing=on,plaintext-channel=default,"
                        + "plaintext-channel=inputs,image-compression=auto_glz,jpeg-wan-compression=never,"
                        + "zlib-glz-wan-compression=always,playback-compression=on,streaming-video=filter,"
                        + "disable-copy-paste=on,disable-agent-file-xfer=on,seamless-migration=on"
                ])
        #expect(Self.values("-k", in: options) == ["de"])
        let none = try Self.arguments("<graphics type='spice'/>")
        #expect(Self.values("-spice", in: none) == ["port=0,disable-ticketing=on,seamless-migration=on"])
        let socket = try Self.arguments(
            "<graphics type='spice'><listen type='socket' socket='/run/s,1.sock'/><gl enable='yes' rendernode='/dev/dri/r'/></graphics>")
        #expect(
            Self.values("-spice", in: socket)
                == ["unix,addr=/run/s,,1.sock,disable-ticketing=on,gl=on,rendernode=/dev/dri/r,seamless-migration=on"])
    }

    @Test func vncListens() throws {
        #expect(Self.values("-vnc", in: try Self.arguments("<graphics type='vnc'><listen type='none'/></graphics>")) == ["none,audiodev=audio1"])
        #expect(
            Self.values("-vnc", in: try Self.arguments("<graphics type='vnc' socket='/run/v.sock' keymap='fr'/>"))
                == ["vnc=unix:/run/v.sock,audiodev=audio1"])
    }

    /// libvirt accepts these at define; this driver or this QEMU cannot run them, and start says which element.
    @Test(arguments: [
        ("<graphics type='spice' autoport='yes' defaultMode='secure'/>", "TLS port"),
        ("<graphics type='spice' port='5930' autoport='no'><channel name='main' mode='secure'/></graphics>", "secure channels"),
        ("<graphics type='spice' port='5930' tlsPort='-1'/>", "spice TLS is disabled"),
        ("<graphics type='spice' autoport='yes'><listen type='network' network='default'/></graphics>", "<listen type='network'>"),
        ("<graphics type='spice' autoport='yes'><listen type='address'/><listen type='address' address='::1'/></graphics>", "multiple listens"),
        ("<graphics type='sdl'/>", "<graphics type='sdl'>"),
        ("<graphics type='egl-headless'/>", "<graphics type='egl-headless'>"),
        ("<graphics type='dbus'/>", "<graphics type='dbus'>"),
        ("<sound model='pcspk'/>", "<sound model='pcspk'>"),
        ("<graphics type='dbus'/><audio id='1' type='dbus'/>", "<audio id='1' type='dbus'>"),
        ("<audio id='1' type='pulseaudio'/>", "no 'pa' audio driver"),
        ("<audio id='1' type='jack'/>", "no 'jack' audio driver"),
        ("<channel type='spicevmc'><target type='virtio' name='other.0'/></channel><graphics type='spice'/>", "Unsupported spicevmc target name 'other.0'"),
        ("<controller type='usb' model='piix3-uhci' ports='4'/>", "doesn't support 'ports'"),
    ])
    func refusedAtStart(devices: String, words: String) throws {
        let error = try Self.refusal(devices, machine: devices.contains("piix3") ? "pc" : "q35")
        #expect(error.code == .configUnsupported)
        #expect(error.message.contains(words), "\(error.message)")
    }

    @Test func missingModulesAreRefusedByName() throws {
        var noQXL = QEMUFeatures.debianQEMU72
        noQXL.devices.remove("qxl-vga")
        #expect(try Self.refusal("<video><model type='qxl'/></video>", features: noQXL).message.contains("'qxl-vga'"))
        var noSpice = QEMUFeatures.debianQEMU72
        noSpice.spice = false
        #expect(try Self.refusal("<graphics type='spice'/>", features: noSpice).message.contains("without SPICE"))
        var noRedir = QEMUFeatures.debianQEMU72
        noRedir.devices.remove("usb-redir")
        let redir = try Self.refusal(
            "<redirdev bus='usb' type='tcp'><source mode='connect' host='h' service='1'/></redirdev>", features: noRedir)
        #expect(redir.message.contains("'usb-redir'"))
    }

    @Test func qxlVideoAndSoundCards() throws {
        let args = try Self.arguments(
            "<graphics type='vnc'/><video><model type='qxl'/></video>"
                + "<video><model type='qxl' ram='32768' vram='32768' vgamem='8192' heads='2'/></video>"
                + "<sound model='ich6'><codec type='micro'/><codec type='output'/></sound><sound model='es1370'/>"
                + "<sound model='sb16'/><sound model='ac97'><audio id='2'/></sound>"
                + "<audio id='1' type='none'/><audio id='2' type='file' path='/tmp/x.wav' timerPeriod='100'/>",
            machine: "pc")
        let devices = Self.values("-device", in: args)
        #expect(
            devices.contains(
                "qxl-vga,id=video0,max_outputs=1,ram_size=67108864,vram_size=67108864,vram64_size_mb=0,vgamem_mb=16,"
                    + "bus=pci.0,addr=0x2"))
        #expect(devices.contains { $0.hasPrefix("qxl,id=video1,max_outputs=2,ram_size=33554432,vram_size=33554432,vram64_size_mb=0,vgamem_mb=8,") })
        #expect(devices.contains { $0.hasPrefix("intel-hda,id=sound0,bus=pci.0,") })
        #expect(devices.contains("hda-micro,id=sound0-codec0,bus=sound0.0,cad=0,audiodev=audio1"))
        #expect(devices.contains("hda-output,id=sound0-codec1,bus=sound0.0,cad=1,audiodev=audio1"))
        #expect(devices.contains { $0.hasPrefix("ES1370,id=sound1,audiodev=audio1,bus=pci.0,") })
        #expect(devices.contains("sb16,id=sound2,audiodev=audio1"))
        #expect(devices.contains { $0.hasPrefix("AC97,id=sound3,audiodev=audio2,bus=pci.0,") })
        #expect(
            Self.values("-audiodev", in: args)
                == ["id=audio1,driver=none", "id=audio2,driver=wav,timer-period=100,path=/tmp/x.wav"])
    }

    /// QEMU has no 'dump' action: it pauses and the driver dumps (QEMUDomain+Watchdog).
    @Test(arguments: [
        ("reset", "reset"), ("shutdown", "shutdown"), ("poweroff", "poweroff"), ("pause", "pause"), ("none", "none"),
        ("dump", "pause"), ("inject-nmi", "inject-nmi"),
    ])
    func watchdogActions(action: String, qemu: String) throws {
        let args = try Self.arguments("<watchdog model='ib700' action='\(action)'/>", machine: "pc")
        #expect(Self.values("-device", in: args).contains("ib700,id=watchdog0"))
        #expect(Self.values("-watchdog-action", in: args) == [qemu])
    }

    @Test func spicePortsToAllocate() throws {
        func needs(_ xml: String) throws -> (Bool, Bool) {
            let g = try #require(try Self.definition(xml).devices.graphics.first)
            let n = ArgumentBuilder.spicePortsToAllocate(g)
            return (n.port, n.tls)
        }
        #expect(try needs("<graphics type='spice' autoport='yes'/>") == (true, false))
        #expect(try needs("<graphics type='spice' port='-1' autoport='no'/>") == (true, false))
        #expect(try needs("<graphics type='spice' port='5930' autoport='no'/>") == (false, false))
        #expect(try needs("<graphics type='spice' autoport='yes' defaultMode='secure'/>") == (false, true))
        #expect(try needs("<graphics type='spice'><listen type='socket'/></graphics>") == (false, false))
    }
}

/// The define-time checks of libvirt's QEMU driver for these devices.
@Suite struct QEMUDefineChecksTests {
    static func check(_ devices: String, machine: String = "q35") throws -> VirtError? {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>t</name><memory>65536</memory><os><type machine='\(machine)'>hvm</type></os>"
                + "<devices>\(devices)</devices></domain>")
        try d.applyDefaults()
        do {
            try QEMUDefineChecks.check(d)
            return nil
        } catch let error as VirtError {
            return error
        }
    }

    @Test(arguments: [
        ("<graphics type='rdp'/>", "rdp graphics are not supported with this QEMU"),
        ("<graphics type='desktop'/>", "desktop graphics are not supported with this QEMU"),
        ("<graphics type='spice' port='5900' tlsPort='5901' autoport='no'/>", "spice TLS port set in XML configuration"),
        ("<audio id='1' type='spice'/>", "Spice audio is not supported without spice graphics"),
        ("<channel type='spicevmc'><target type='virtio'/></channel>", "chardev 'spicevmc' not supported without spice graphics"),
        ("<redirdev bus='usb' type='spicevmc'/>", "chardev 'spicevmc' not supported without spice graphics"),
        ("<watchdog model='diag288'/>", "diag288 model of watchdog is allowed for s390 and s390x only"),
        ("<graphics type='vnc'/><video><model type='virtio'/></video><video><model type='vga'/></video>", "video type 'vga' is only valid as primary video device"),
        ("<video><model type='cirrus' heads='2'/></video>", "doesn't support multiple 'heads'"),
    ])
    func refusedAtDefine(devices: String, words: String) throws {
        let error = try #require(try Self.check(devices))
        #expect(error.code == .configUnsupported)
        #expect(error.message.contains(words), "\(error.message)")
    }

    @Test func ich7IsLibvirtsInternalError() throws {
        let error = try #require(try Self.check("<sound model='ich7'/>"))
        #expect(error.code == .internalError)
        #expect(error.message.contains("sound card model 'ich7' is not supported by qemu"))
    }

    @Test func spiceDevicesWithSpiceAreFine() throws {
        #expect(
            try Self.check(
                "<graphics type='spice' autoport='yes'/><audio id='1' type='spice'/><redirdev bus='usb' type='spicevmc'/>"
                    + "<channel type='spicevmc'><target type='virtio'/></channel>") == nil)
    }
}

@Suite struct QEMUFeaturesTests {
    @Test func parsesTheHelpTexts() {
        let devices = QEMUFeatures.parseDevices(
            "Display devices:\nname \"qxl-vga\", bus PCI, desc \"Spice QXL GPU (primary, vga compatible)\"\n"
                + "name \"VGA\", bus PCI\n\nSound devices:\nname \"AC97\", bus PCI, alias \"ac97\", desc \"Intel\"\n")
        #expect(devices == ["qxl-vga", "VGA", "AC97"])
        #expect(QEMUFeatures.parseAudioDrivers("Available audio drivers:\nnone\nalsa\nspice\nwav\n") == ["none", "alsa", "spice", "wav"])
    }

    @Test(.enabled(if: qemuInstalled)) func probesTheInstalledQEMU() {
        let f = QEMUFeatures.probe(emulator: qemuBinary)
        #expect(f.devices.contains("i6300esb") && f.devices.contains("ich9-intel-hda"))
        #expect(f.audioDrivers.contains("none") && f.audioDrivers.contains("wav"))
    }
}

@Suite struct DisplayPortAllocatorTests {
    /// A listener on the first port of the range: the allocator passes over it, and never hands out a port twice.
    @Test func skipsPortsInUseAndHeldOnes() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr = in_addr(s_addr: INADDR_ANY)
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0 && listen(fd, 1) == 0)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        let busy = Int(UInt16(bigEndian: addr.sin_port))
        let allocator = DisplayPortAllocator(range: busy...(busy + 40))
        let first = try allocator.acquire()
        let second = try allocator.acquire()
        #expect(first != busy && second != busy && first != second)
        allocator.release(first)
        #expect(try allocator.acquire() == first)
    }
}

@Suite struct WatchdogEventTests {
    @Test func qemuActionsMapToLibvirtsNumbers() {
        #expect(WatchdogEventAction(qemuAction: "pause")?.rawValue == 1)
        #expect(WatchdogEventAction(qemuAction: "reset")?.rawValue == 2)
        #expect(WatchdogEventAction(qemuAction: "inject-nmi")?.rawValue == 6)
        #expect(WatchdogEventAction(qemuAction: "explode") == nil)
    }

    @Test func dumpFilesAreNamedAsLibvirtNamesThem() {
        let name = QEMUDomain.dumpFileName(
            id: 7, name: "a-rather-long-domain-name-indeed", at: Date(timeIntervalSince1970: 0))
        // The name is cut to 20 characters, then the local time: YYYY-MM-DD-HH:MM:SS.
        #expect(name.hasPrefix("7-a-rather-long-domain-19"), "\(name)")
        #expect(!name.contains("-name") && name.suffix(8).split(separator: ":").count == 3, "\(name)")
    }
}
