import SwiftVirtCore

/// The checks libvirt's QEMU driver makes when a definition is stored (qemu_validate.c) for graphics, sound,
/// audio, watchdogs and SPICE channels, with its words and VIR_ERR_CONFIG_UNSUPPORTED (ich7: its internal
/// error), each followed by the element at fault and its line. What only the emulator decides (a missing module)
/// is checked at start instead.
enum QEMUDefineChecks {
    static func check(_ definition: DomainDefinition) throws {
        let devices = definition.devices
        let hasSpice = devices.graphics.contains { $0.type == .spice }
        for g in devices.graphics {
            switch g.type {
            case .rdp, .desktop:
                throw refusal("\(g.type.rawValue) graphics are not supported with this QEMU", "graphics", g.sourceLine)
            case .spice:
                if let port = g.tlsPort, port > 0, g.listen?.type == .address || g.listen?.type == .network {
                    throw refusal(
                        "spice TLS port set in XML configuration, but TLS is disabled in qemu.conf", "graphics",
                        g.sourceLine)
                }
            case .vnc, .sdl, .eglHeadless, .dbus:
                break
            }
        }
        for v in devices.videos where v.model != .none && v.model != .qxl && v.model != .virtio {
            if v.primary != true {
                throw refusal("video type '\(v.model.rawValue)' is only valid as primary video device", "video", v.sourceLine)
            }
            if let heads = v.heads, heads != 1 {
                throw refusal("video type '\(v.model.rawValue)' doesn't support multiple 'heads'", "video", v.sourceLine)
            }
        }
        for s in devices.sounds where s.model == .ich7 {
            throw VirtError(
                .internalError, domain: .qemu,
                detail: "sound card model 'ich7' is not supported by qemu" + at("sound", s.sourceLine))
        }
        for a in devices.audios where a.type == .spice && !hasSpice {
            throw refusal("Spice audio is not supported without spice graphics", "audio", a.sourceLine)
        }
        let spiceChardevs =
            devices.serials.map { ("serial", $0.type, $0.sourceLine) }
            + devices.consoles.map { ("console", $0.type, $0.sourceLine) }
            + devices.channels.map { ("channel", $0.type, $0.sourceLine) }
            + devices.redirdevs.map { ("redirdev", $0.backend.type, $0.sourceLine) }
        for (element, type, line) in spiceChardevs where (type == .spicevmc || type == .spiceport) && !hasSpice {
            throw refusal("chardev '\(type.rawValue)' not supported without spice graphics", element, line)
        }
        if let w = devices.watchdog, w.model == .diag288 {
            throw refusal("diag288 model of watchdog is allowed for s390 and s390x only", "watchdog", w.sourceLine)
        }
    }

    private static func refusal(_ message: String, _ element: String, _ line: SourceLine) -> VirtError {
        VirtError(.configUnsupported, domain: .qemu, detail: message + at(element, line))
    }

    private static func at(_ element: String, _ line: SourceLine) -> String {
        " (<devices/\(element)>" + (line.line.map { ", line \($0)" } ?? "") + ")"
    }
}
