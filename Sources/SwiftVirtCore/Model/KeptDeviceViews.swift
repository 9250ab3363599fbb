/// Typed readings of device families the model keeps whole (`GenericDevice`): the kept XML stays what is stored
/// and written back, so nothing is lost; a driver that runs a family reads it through these. Each reading is
/// nil when the device uses something the reading does not cover, and the driver then refuses to start it.
extension KeptXML {
    public init(name: String, attributes: [XMLExtras.Attribute], content: [Content]) {
        self.name = name
        self.attributes = attributes
        self.content = content
    }

    public func child(_ name: String) -> KeptXML? { children.first { $0.name == name } }

    public var text: String {
        content.map { if case .text(let t) = $0 { t } else { "" } }.joined()
    }

    /// A scaled size (`<size unit='MiB'>4</size>`) in KiB; nil when absent or malformed.
    func kibibytes(_ name: String) -> UInt64? {
        guard let e = child(name), let value = UInt64(e.text.trimmingWhitespace()) else { return nil }
        return MemoryUnit.kibibytes(value, unit: e.value("unit") ?? "KiB")
    }

    /// Sets attribute `name` as the first of child `element`, making the child (after the child `after`, else
    /// first) when there is none.
    public mutating func setChildAttributeFirst(_ element: String, name: String, value: String, after: String) {
        let attribute = XMLExtras.Attribute(name: name, value: value)
        if let i = content.firstIndex(where: { if case .element(let e) = $0 { e.name == element } else { false } }),
            case .element(var e) = content[i]
        {
            e.attributes = [attribute] + e.attributes.filter { $0.name != name }
            content[i] = .element(e)
            return
        }
        let made = KeptXML(name: element, attributes: [attribute], content: [])
        let anchor = content.firstIndex { if case .element(let e) = $0 { e.name == after } else { false } }
        content.insert(.element(made), at: anchor.map { $0 + 1 } ?? 0)
    }

    /// libvirt's filesystem post-parse: `type='mount'` written out, and `accessmode='passthrough'` for one
    /// served by libvirt (no `<source socket>`) that names none; attributes in libvirt's order.
    func filesystemDefaults() -> KeptXML {
        var x = self
        if x.value("type") == nil { x.attributes.insert(.init(name: "type", value: "mount"), at: 0) }
        if x.value("accessmode") == nil, x.child("source")?.value("socket") == nil,
            let typeIndex = x.attributes.firstIndex(where: { $0.name == "type" })
        {
            x.attributes.insert(.init(name: "accessmode", value: "passthrough"), at: typeIndex + 1)
        }
        return x
    }

    /// A virtio-mem device's `<current>` (live XML only), after `<requested>` in its `<target>`.
    public mutating func addVirtioMemCurrent(kib: UInt64) {
        guard let t = content.firstIndex(where: { if case .element(let e) = $0 { e.name == "target" } else { false } }),
            case .element(var target) = content[t]
        else { return }
        target.content.removeAll { if case .element(let e) = $0 { e.name == "current" } else { false } }
        target.content.append(.element(KeptXML(name: "current", attributes: [.init(name: "unit", value: "KiB")], content: [.text(String(kib))])))
        content[t] = .element(target)
    }

    /// A `<memory>` device's scaled sizes (target size, label size, block, requested; source page and align
    /// sizes) in KiB with `unit='KiB'`, as libvirt stores and prints them; a malformed one is left as written.
    func memorySizesInKiB() -> KeptXML {
        let sized: [String: Set<String>] = ["target": ["size", "block", "requested", "label"], "source": ["pagesize", "alignsize"]]
        func normalized(_ e: KeptXML, _ names: Set<String>) -> KeptXML {
            var e = e
            e.content = e.content.map { item in
                guard case .element(var c) = item, names.contains(c.name) else { return item }
                if c.name == "label" { return .element(normalized(c, ["size"])) }
                guard let kib = e.kibibytes(c.name) else { return item }
                c.attributes = c.attributes.filter { $0.name != "unit" } + [.init(name: "unit", value: "KiB")]
                c.content = [.text(String(kib))]
                return .element(c)
            }
            return e
        }
        var x = self
        x.content = x.content.map { item in
            guard case .element(let c) = item, let names = sized[c.name] else { return item }
            return .element(normalized(c, names))
        }
        return x
    }

    /// The names of attributes and children, for "covers everything" checks.
    var parts: Set<String> { Set(attributes.map(\.name)).union(children.map(\.name)) }
}

/// `<filesystem type='mount'>` shared with the guest over 9p (`driver type='path'` or none) or virtiofs.
public struct FilesystemShare: Sendable, Equatable {
    public enum AccessMode: String, Sendable { case passthrough, mapped, squash }
    public enum Driver: String, Sendable { case path, virtiofs }
    public var driver: Driver
    public var sourceDirectory: String
    public var mountTag: String
    public var accessMode: AccessMode
    public var readOnly: Bool
    public var writeout: String?
    public var multidevs: String?
    public var fmode: String?
    public var dmode: String?
    /// virtiofs: `<driver queue>` and the daemon's `<binary>` settings, as written.
    public var queueSize: Int?
    public var virtiofsd = Virtiofsd()

    public struct Virtiofsd: Sendable, Equatable {
        public var path: String?
        public var xattr: String?
        public var cache: String?
        public var sandbox: String?
        public var posixLock: String?
        public var flock: String?
        public var threadPoolSize: Int?
        public init() {}
    }

    public init?(_ device: GenericDevice) {
        let x = device.xml
        guard x.name == "filesystem", (x.value("type") ?? "mount") == "mount",
            x.parts.isSubset(of: [
                "type", "accessmode", "multidevs", "fmode", "dmode", "driver", "binary", "source", "target", "readonly",
            ])
        else { return nil }
        guard let kind = Driver(rawValue: x.child("driver")?.value("type") ?? "path") else { return nil }
        driver = kind
        if let d = x.child("driver") {
            guard d.parts.isSubset(of: kind == .path ? ["type", "wrpolicy"] : ["type", "queue"]) else { return nil }
            writeout = d.value("wrpolicy")
            queueSize = d.value("queue").flatMap { Int($0) }
        }
        if let b = x.child("binary") {
            guard kind == .virtiofs, b.parts.isSubset(of: ["path", "xattr", "cache", "sandbox", "lock", "thread_pool"])
            else { return nil }
            virtiofsd.path = b.value("path")
            virtiofsd.xattr = b.value("xattr")
            virtiofsd.cache = b.child("cache")?.value("mode")
            virtiofsd.sandbox = b.child("sandbox")?.value("mode")
            virtiofsd.posixLock = b.child("lock")?.value("posix")
            virtiofsd.flock = b.child("lock")?.value("flock")
            virtiofsd.threadPoolSize = b.child("thread_pool")?.value("size").flatMap { Int($0) }
        }
        guard let source = x.child("source")?.value("dir"), let tag = x.child("target")?.value("dir"),
            let mode = AccessMode(rawValue: x.value("accessmode") ?? "passthrough")
        else { return nil }
        sourceDirectory = source
        mountTag = tag
        accessMode = mode
        readOnly = x.child("readonly") != nil
        multidevs = x.value("multidevs").flatMap { $0 == "default" ? nil : $0 }
        fmode = x.value("fmode")
        dmode = x.value("dmode")
    }
}

/// `<memory>` of model `dimm`, `nvdimm`, `virtio-mem` or `virtio-pmem`: a memory module plugged at start.
public struct MemoryModule: Sendable, Equatable {
    public enum Model: String, Sendable {
        case dimm, nvdimm
        case virtioMem = "virtio-mem"
        case virtioPmem = "virtio-pmem"
    }
    public var model: Model
    public var sizeKiB: UInt64
    public var node: Int?
    /// nvdimm: the backing file and its label area.
    public var path: String?
    public var labelKiB: UInt64?
    public var access: String?
    public var discard: Bool
    /// virtio-mem: the block size and the size the guest is asked to plug.
    public var blockKiB: UInt64?
    public var requestedKiB: UInt64?

    public init?(_ device: GenericDevice) {
        let x = device.xml
        guard x.name == "memory", let model = Model(rawValue: x.value("model") ?? ""),
            x.parts.isSubset(of: ["model", "access", "discard", "source", "target"]),
            let target = x.child("target"), target.parts.isSubset(of: ["size", "node", "label", "block", "requested"]),
            let size = target.kibibytes("size")
        else { return nil }
        self.model = model
        sizeKiB = size
        node = target.child("node").flatMap { Int($0.text.trimmingWhitespace()) }
        access = x.value("access")
        discard = x.value("discard") == "yes"
        let source = x.child("source")
        switch model {
        case .dimm, .virtioMem:
            guard source == nil else { return nil }
            if model == .virtioMem {
                guard let block = target.kibibytes("block") else { return nil }
                blockKiB = block
                requestedKiB = target.kibibytes("requested") ?? 0
            }
        case .nvdimm, .virtioPmem:
            guard let source, source.parts.isSubset(of: ["path"]), let path = source.child("path")?.text else { return nil }
            self.path = path.trimmingWhitespace()
            labelKiB = target.child("label")?.kibibytes("size")
        }
        if model != .virtioMem, target.child("block") != nil || target.child("requested") != nil { return nil }
    }
}

/// `<iommu model='intel'|'virtio'>` with the driver options libvirt passes to QEMU.
public struct IOMMUDevice: Sendable, Equatable {
    public var model: String
    /// `intremap`, `caching_mode`, `eim`, `iotlb`, `aw_bits` as written.
    public var driver: [String: String]

    public init?(_ device: GenericDevice) {
        let x = device.xml
        guard x.name == "iommu", let model = x.value("model"), ["intel", "virtio"].contains(model),
            x.parts.isSubset(of: ["model", "driver"])
        else { return nil }
        self.model = model
        let d = x.child("driver")
        guard d?.children.isEmpty ?? true else { return nil }
        driver = Dictionary(d?.attributes.map { ($0.name, $0.value) } ?? [], uniquingKeysWith: { a, _ in a })
    }
}

/// `<smartcard>` in the modes that need no character device of the user's: an emulated card on the host's NSS
/// database (`host`), one on three certificates (`host-certificates`), or the SPICE client's card (`passthrough`
/// over spicevmc).
public struct Smartcard: Sendable, Equatable {
    public enum Mode: Sendable, Equatable {
        case host
        case certificates([String], database: String?)
        case spicePassthrough
    }
    public var mode: Mode

    public init?(_ device: GenericDevice) {
        let x = device.xml
        guard x.name == "smartcard" else { return nil }
        switch x.value("mode") {
        case "host":
            guard x.children.isEmpty else { return nil }
            mode = .host
        case "host-certificates":
            let certificates = x.children.filter { $0.name == "certificate" }.map { $0.text.trimmingWhitespace() }
            guard certificates.count == 3, x.parts.isSubset(of: ["mode", "certificate", "database"]) else { return nil }
            mode = .certificates(certificates, database: x.child("database")?.text.trimmingWhitespace())
        case "passthrough":
            guard x.value("type") == "spicevmc", x.children.isEmpty else { return nil }
            mode = .spicePassthrough
        default:
            return nil
        }
    }
}

