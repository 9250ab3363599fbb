// CONTRACT (skeleton): the core helper expands this model to the whole XML subset of issue 3.
// Names used by other targets must stay: DomainDefinition.{virtType,name,uuid,memoryKiB,currentMemoryKiB,
// vcpus,os,onPoweroff,onReboot,onCrash,devices}, DomainUUID, DomainRuntimeInfo, DomainVirtType, LifecycleAction.

/// A domain's 16-byte UUID.
public struct DomainUUID: Sendable, Hashable, Codable, CustomStringConvertible {
    public var bytes: [UInt8]  // always 16
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.bytes = bytes
    }
    /// Parses "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (also accepts no dashes, as libvirt does).
    public init?(string: String) {
        var out: [UInt8] = []
        var pending: UInt8? = nil
        for ch in string.utf8 {
            if ch == UInt8(ascii: "-") || ch == UInt8(ascii: " ") { continue }
            guard let v = Self.hexValue(ch) else { return nil }
            if let p = pending {
                out.append(p << 4 | v)
                pending = nil
            } else {
                pending = v
            }
        }
        guard pending == nil, out.count == 16 else { return nil }
        self.bytes = out
    }
    public static func random() -> DomainUUID {
        var rng = SystemRandomNumberGenerator()
        var b = (0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }
        b[6] = (b[6] & 0x0f) | 0x40
        b[8] = (b[8] & 0x3f) | 0x80
        return DomainUUID(bytes: b)!
    }
    public var description: String {
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }
    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

public enum DomainVirtType: String, Sendable, Codable { case qemu, kvm }

public enum LifecycleAction: String, Sendable, Codable {
    case destroy, restart, preserve
    case renameRestart = "rename-restart"
    case coredumpDestroy = "coredump-destroy"
    case coredumpRestart = "coredump-restart"
}

/// Facts that exist only while a domain runs and appear in its live XML.
public struct DomainRuntimeInfo: Sendable, Equatable, Codable {
    public var id: Int32
    /// Host pty path per character device alias (e.g. "serial0" -> "/dev/pts/3").
    public var ptyPaths: [String: String]
    public var vncPort: Int?
    public var vncWebsocketPort: Int?
    public init(id: Int32, ptyPaths: [String: String] = [:], vncPort: Int? = nil, vncWebsocketPort: Int? = nil) {
        self.id = id
        self.ptyPaths = ptyPaths
        self.vncPort = vncPort
        self.vncWebsocketPort = vncWebsocketPort
    }
}

public struct DomainDefinition: Sendable, Equatable {
    public var virtType: DomainVirtType = .qemu
    public var name: String = ""
    public var uuid: DomainUUID = .random()
    public var memoryKiB: UInt64 = 0
    public var currentMemoryKiB: UInt64 = 0
    public var vcpus: Int = 1
    public var onPoweroff: LifecycleAction = .destroy
    public var onReboot: LifecycleAction = .restart
    public var onCrash: LifecycleAction = .destroy
    public init() {}
}
