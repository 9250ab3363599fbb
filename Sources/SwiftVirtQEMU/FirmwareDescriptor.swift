import FoundationEssentials
import Glibc

/// One QEMU firmware descriptor (QEMU's docs/interop/firmware.json, installed by Debian's ovmf package in
/// /usr/share/qemu/firmware): which image, how it is mapped, for which machines, with which features.
struct FirmwareDescriptor: Sendable, Equatable {
    /// How the firmware reaches the guest.
    enum Mapping: Sendable, Equatable {
        /// Flash: the code, and (`split` mode) a separate variable store copied from `nvramTemplate`.
        case flash(executable: Image, nvramTemplate: Image?, mode: FlashMode)
        case kernel(filename: String)
        case memory(filename: String)
    }
    enum FlashMode: String, Sendable, Equatable, Decodable { case split, combined, stateless }
    struct Image: Sendable, Equatable, Decodable {
        var filename: String
        var format: String
    }
    struct Target: Sendable, Equatable, Decodable {
        var architecture: String
        var machines: [String]
    }

    /// The descriptor file it came from.
    var path: String
    /// `interface-types`: "uefi", "bios", ...
    var interfaces: [String]
    var mapping: Mapping
    var targets: [Target]
    /// "secure-boot", "enrolled-keys", "requires-smm", "acpi-s3", ...
    var features: Set<String>

    func has(_ feature: String) -> Bool { features.contains(feature) }

    /// Whether one of its targets is `arch` with a machine pattern (shell glob) matching `machine`.
    func matches(machine: String, arch: String) -> Bool {
        targets.contains { target in
            target.architecture == arch && target.machines.contains { fnmatch($0, machine, 0) == 0 }
        }
    }

    struct ParseError: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot parse firmware descriptor '\(path)': \(reason)" }
    }

    static func parse(_ data: Data, path: String) throws -> FirmwareDescriptor {
        let doc: Document
        do {
            doc = try JSONDecoder().decode(Document.self, from: data)
        } catch {
            throw ParseError(path: path, reason: "\(error)")
        }
        let mapping: Mapping
        switch doc.mapping.device {
        case "flash":
            let mode = doc.mapping.mode ?? .split
            guard let executable = doc.mapping.executable else { throw ParseError(path: path, reason: "no executable") }
            if mode == .split && doc.mapping.nvramTemplate == nil {
                throw ParseError(path: path, reason: "missing 'nvram-template'")
            }
            mapping = .flash(executable: executable, nvramTemplate: doc.mapping.nvramTemplate, mode: mode)
        case "kernel", "memory":
            guard let filename = doc.mapping.filename else { throw ParseError(path: path, reason: "no filename") }
            mapping = doc.mapping.device == "kernel" ? .kernel(filename: filename) : .memory(filename: filename)
        default:
            throw ParseError(path: path, reason: "unknown device '\(doc.mapping.device)'")
        }
        return FirmwareDescriptor(
            path: path, interfaces: doc.interfaceTypes, mapping: mapping, targets: doc.targets,
            features: Set(doc.features))
    }

    private struct Document: Decodable {
        struct MappingDocument: Decodable {
            var device: String
            var mode: FlashMode?
            var executable: Image?
            var nvramTemplate: Image?
            var filename: String?
            enum CodingKeys: String, CodingKey {
                case device, mode, executable, filename
                case nvramTemplate = "nvram-template"
            }
        }
        var interfaceTypes: [String]
        var mapping: MappingDocument
        var targets: [Target]
        var features: [String]
        enum CodingKeys: String, CodingKey {
            case mapping, targets, features
            case interfaceTypes = "interface-types"
        }
    }

    /// Every descriptor in `directories` (for the system daemon /usr/share/qemu/firmware, then /etc/qemu/firmware;
    /// libvirt reads the user's own only for session daemons), as libvirt lists them: a file name in a later
    /// directory replaces the same name in an earlier one, an empty file hides it, hidden files are skipped, and the
    /// result is sorted by file name (Debian names them 40-..., 50-..., 60-... to rank them).
    static func loadAll(directories: [String]) throws -> [FirmwareDescriptor] {
        var byName: [String: String] = [:]
        for dir in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names where !name.hasPrefix(".") {
                let path = dir + "/" + name
                var st = stat()
                guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { continue }
                byName[name] = path
            }
        }
        return try byName.sorted { $0.key < $1.key }.compactMap { _, path in
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            if data.isEmpty { return nil }
            return try parse(data, path: path)
        }
    }
}
