import FoundationEssentials
import Glibc
import SwiftVirtSystem

/// One device directory of sysfs as libudev presents it to libvirt: its properties (the `uevent` file, plus
/// udev's database entry when udevd runs), its attributes (files below it) and its subsystem.
struct SysfsDevice {
    let path: String
    let properties: [String: String]

    init?(path: String, udevData: String = "/run/udev/data") {
        guard let uevent = Self.read(path + "/uevent") else { return nil }
        self.path = path
        var props: [String: String] = [:]
        for line in uevent.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            props[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        if let subsystem = Self.linkName(path + "/subsystem") { props["SUBSYSTEM"] = subsystem }
        let db = Self.read(udevData + "/" + Self.databaseName(path: path, props))
        for line in db?.split(separator: "\n") ?? [] where line.hasPrefix("E:") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            props[String(line[line.index(line.startIndex, offsetBy: 2)..<eq])] = String(line[line.index(after: eq)...])
        }
        devlinks = (db?.split(separator: "\n") ?? []).filter { $0.hasPrefix("S:") }.map { "/dev/" + $0.dropFirst(2) }
            .sorted()
        properties = props
    }

    let devlinks: [String]

    var subsystem: String? { properties["SUBSYSTEM"] }
    var devtype: String? { properties["DEVTYPE"] }
    /// libudev's sysname: the last path component, `!` standing for `/`.
    var sysname: String { String(PathText.name(of: path).map { $0 == "!" ? "/" : $0 }) }
    var devnode: String? { properties["DEVNAME"].map { $0.hasPrefix("/") ? $0 : "/dev/" + $0 } }

    /// An attribute as libvirt's udevGetStringSysfsAttr reads it: control characters dropped, empty is none.
    func attribute(_ name: String) -> String? {
        guard let raw = Self.read(path + "/" + name) else { return nil }
        let s = String(String.UnicodeScalarView(raw.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        return s.isEmpty ? nil : s
    }

    /// The name of the file a symlink below the device points at (`driver`, `subsystem`, `iommu_group`).
    func link(_ name: String) -> String? { Self.linkName(path + "/" + name) }

    static func read(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    static func linkName(_ path: String) -> String? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return nil }
        return PathText.name(of: target)
    }

    /// udevd's database file for the device: b/c MAJOR:MINOR, n IFINDEX, else +SUBSYSTEM:SYSNAME.
    private static func databaseName(path: String, _ props: [String: String]) -> String {
        if let major = props["MAJOR"], let minor = props["MINOR"] {
            return (props["SUBSYSTEM"] == "block" ? "b" : "c") + "\(major):\(minor)"
        }
        if let index = props["IFINDEX"] { return "n" + index }
        return "+\(props["SUBSYSTEM"] ?? ""):\(PathText.name(of: path))"
    }
}

/// What libudev's enumeration lists: every device below /sys/bus/*/devices and /sys/class/*, by real path.
enum SysfsEnumeration {
    /// `root` is where sysfs is (another directory in tests).
    static func devicePaths(root: String = "/sys") -> [String] {
        let fm = FileManager.default
        var found = Set<String>()
        func add(_ dir: String) {
            for entry in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] {
                guard let real = realPath(dir + "/" + entry) else { continue }
                found.insert(real)
            }
        }
        for bus in (try? fm.contentsOfDirectory(atPath: root + "/bus")) ?? [] { add(root + "/bus/\(bus)/devices") }
        for cls in (try? fm.contentsOfDirectory(atPath: root + "/class")) ?? [] { add(root + "/class/\(cls)") }
        return found.sorted()
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
