/// `<sysinfo>`: what the guest's firmware tables say about the machine. `smbios` sections become SMBIOS
/// structures when `<os><smbios mode='sysinfo'/>`; `fwcfg` entries become fw_cfg files.
public struct SysInfo: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable { case smbios, fwcfg }
    public struct Entry: Sendable, Equatable {
        public var name: String?
        public var value: String
        /// fwcfg: the value comes from this host file.
        public var file: String?
        public init(name: String?, value: String, file: String? = nil) {
            self.name = name
            self.value = value
            self.file = file
        }
    }
    /// SMBIOS sections in libvirt's order, with the entry names each takes (in order).
    public enum Section: String, Sendable, Equatable, CaseIterable {
        case bios, system, baseBoard, chassis, oemStrings
        public var entryNames: [String] {
            switch self {
            case .bios: ["vendor", "version", "date", "release"]
            case .system: ["manufacturer", "product", "version", "serial", "uuid", "sku", "family"]
            case .baseBoard: ["manufacturer", "product", "version", "serial", "asset", "location"]
            case .chassis: ["manufacturer", "version", "serial", "asset", "sku"]
            case .oemStrings: []
            }
        }
        /// The SMBIOS structure type QEMU's `-smbios type=` takes.
        public var smbiosType: Int {
            switch self {
            case .bios: 0
            case .system: 1
            case .baseBoard: 2
            case .chassis: 3
            case .oemStrings: 11
            }
        }
    }
    public var kind: Kind
    /// smbios: entries per section (baseBoard may repeat; each is one element of `baseBoards`).
    public var sections: [Section: [Entry]] = [:]
    public var baseBoards: [[Entry]] = []
    /// fwcfg: the entries.
    public var entries: [Entry] = []
    public init(kind: Kind) { self.kind = kind }
}
