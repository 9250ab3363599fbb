import SwiftVirtCore

/// libvirt 9.0's define-time checks of `<filesystem>` for QEMU (qemuValidateDomainDeviceDefFS), in its words.
extension QEMUDefinitionRules {
    static func checkFilesystems(_ d: DomainDefinition) throws(DomainXMLError) {
        for (fs, _) in ArgumentBuilder.kept("filesystem", of: d) {
            if let problem = problem(fs, d) {
                throw .refused(
                    code: .configUnsupported, message: problem, element: "devices/filesystem", line: fs.sourceLine.line)
            }
        }
    }

    private static func problem(_ fs: GenericDevice, _ d: DomainDefinition) -> String? {
        let driver = fs.xml.child("driver")
        let kind = driver?.value("type") ?? "path"
        let access = fs.attribute("accessmode") ?? "passthrough"
        let modes = fs.attribute("fmode") != nil || fs.attribute("dmode") != nil
        let sandbox = fs.xml.child("binary")?.child("sandbox") != nil
        if modes, access != "mapped", kind != "virtiofs" { return "fmode and dmode must be used with accessmode=mapped" }
        if kind != "virtiofs", sandbox { return "sandbox can only be used with driver=virtiofs" }
        switch kind {
        case "handle" where access != "passthrough": return "only supports passthrough accessmode"
        case "loop", "nbd", "ploop": return "Filesystem driver type not supported"
        case "virtiofs":
            // A filesystem with `<source socket>` is served by a daemon the user runs; these are the daemon's.
            if fs.xml.child("source")?.value("socket") == nil {
                if fs.xml.child("readonly") != nil { return "virtiofs does not yet support read-only mode" }
                if access != "passthrough" { return "virtiofs only supports passthrough accessmode" }
                if driver?.value("wrpolicy") != nil { return "virtiofs does not support wrpolicy" }
            }
            if fs.attribute("model") != nil { return "virtiofs does not support model" }
            if driver?.value("format") != nil { return "virtiofs does not support format" }
            if let m = fs.attribute("multidevs"), m != "default" { return "virtiofs does not support multidevs" }
            if modes { return "virtiofs does not support fmode and dmode" }
            if !QEMUSharedMemory.shares(d) { return "'virtiofs' requires shared memory" }
        default: break
        }
        return nil
    }
}

/// libvirt's qemuValidateDomainDefVhostUserRequireSharedMemory: every NUMA node's memory shared (its own access,
/// else `<memoryBacking><access mode='shared'>`); without NUMA, the backing's access. vhost-user devices
/// (virtiofs) need it.
public enum QEMUSharedMemory {
    public static func shares(_ d: DomainDefinition) -> Bool {
        let backing = d.tuning.memoryBacking?.access == .shared
        let cells = d.cpu?.numaCells ?? []
        if cells.isEmpty { return backing }
        return cells.allSatisfy { $0.memAccess == .shared || ($0.memAccess == nil && backing) }
    }
}
