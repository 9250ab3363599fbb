import Synchronization
import SwiftVirtCore
import SwiftVirtSystem

/// What the emulator offers beyond its machines: device models, audio drivers and SPICE. Debian builds some of
/// them as modules that may be missing (`qemu-system-gui` brings pa, sdl and jack audio), so a definition that
/// needs one is refused at start when the module is not there rather than left for QEMU to fail on.
public struct QEMUFeatures: Sendable, Equatable {
    /// `-device help` names.
    public var devices: Set<String>
    /// `-audiodev help` drivers (QEMU's names: `pa` for pulseaudio, `wav` for file).
    public var audioDrivers: Set<String>
    /// `-spice` exists.
    public var spice: Bool

    public init(devices: Set<String>, audioDrivers: Set<String>, spice: Bool) {
        self.devices = devices
        self.audioDrivers = audioDrivers
        self.spice = spice
    }

    /// What Debian 12's qemu-system-x86 7.2 offers without qemu-system-gui: the assumption of the golden
    /// command-line tests, which never run the probe.
    public static let debianQEMU72 = QEMUFeatures(
        devices: [
            "qxl", "qxl-vga", "usb-redir", "ich9-intel-hda", "intel-hda", "hda-duplex", "hda-micro", "hda-output",
            "AC97", "ES1370", "sb16", "usb-audio", "i6300esb", "ib700", "virtserialport", "VGA", "cirrus-vga",
            "virtio-vga", "virtio-gpu-pci", "bochs-display", "secondary-vga", "virtio-iommu-pci",
        ],
        audioDrivers: ["none", "alsa", "dbus", "oss", "sndio", "spice", "wav"], spice: true)

    /// Parses `-device help`: `name "qxl-vga", bus PCI, ...` lines.
    static func parseDevices(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line in
                guard let open = line.firstRange(of: "name \"") else { return nil }
                let rest = line[open.upperBound...]
                return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
            })
    }

    /// Parses `-audiodev help`: a heading, then one driver per line.
    static func parseAudioDrivers(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").dropFirst().map { String($0).trimmingWhitespace() }
                .filter { !$0.isEmpty && !$0.contains(" ") })
    }

    /// Runs the emulator three times. Blocking: call it on the blocking executor.
    static func probe(emulator: String) -> QEMUFeatures {
        // Only the output counts: `-spice help` lists the options and exits 1.
        func output(_ arguments: [String]) -> String {
            (try? ChildProcess.run(emulator, arguments))?.standardOutput ?? ""
        }
        return QEMUFeatures(
            devices: parseDevices(output(["-device", "help"])),
            audioDrivers: parseAudioDrivers(output(["-audiodev", "help"])),
            spice: output(["-spice", "help"]).hasPrefix("spice options"))
    }
}

/// The driver's features, probed when the first command line is built (not at daemon start: most daemons of the
/// test suite never start a guest) and kept.
final class QEMUFeatureCache: Sendable {
    private let emulator: String
    private let cached = Mutex<QEMUFeatures?>(nil)

    init(emulator: String) { self.emulator = emulator }

    func features() async -> QEMUFeatures {
        if let known = cached.withLock({ $0 }) { return known }
        let emulator = self.emulator
        let probed = await BlockingIO.run { QEMUFeatures.probe(emulator: emulator) }
        cached.withLock { $0 = probed }
        return probed
    }
}
