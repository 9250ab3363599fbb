/// `<encryption>` of a storage volume's target or of a domain disk's source (libvirt's virStorageEncryption):
/// the format, the engine, the secrets that hold the passphrase and, for LUKS, the cipher and IV generator.
public struct StorageEncryption: Sendable {
    public enum Format: String, Sendable, Equatable, CaseIterable {
        case `default`, qcow, luks, luks2
    }
    public enum Engine: String, Sendable, Equatable, CaseIterable {
        case qemu, librbd
    }
    /// `<secret type='passphrase' uuid=.../>` or `usage=...`: which secret holds the key.
    public enum SecretLookup: Sendable, Equatable {
        case uuid(DomainUUID)
        case usage(String)
    }
    public struct Cipher: Sendable, Equatable {
        public var name: String
        public var size: UInt32
        public var mode: String?
        public var hash: String?
    }
    public struct IVGen: Sendable, Equatable {
        public var name: String
        public var hash: String?
    }

    public var format: Format
    public var engine: Engine?
    public var secrets: [SecretLookup] = []
    public var cipher: Cipher?
    public var ivgen: IVGen?
    /// The secret's value, filled in by the daemon just before a guest starts; no document ever shows it and it
    /// takes no part in comparisons.
    public var key: [UInt8]?

    public init(format: Format) { self.format = format }
}

extension StorageEncryption: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        a.format == b.format && a.engine == b.engine && a.secrets == b.secrets && a.cipher == b.cipher
            && a.ivgen == b.ivgen
    }
}

extension StorageEncryption {
    /// Reads `<encryption>` with the checks of libvirt's virStorageEncryptionParseNode, in its order and words.
    static func read(_ r: inout ElementReader) throws(DomainXMLError) -> StorageEncryption {
        func refuse(_ code: VirtErrorCode, _ message: String, _ path: String, _ line: Int) -> DomainXMLError {
            .refused(code: code, message: message, element: path, line: line)
        }
        guard let formatName = r.string("format"), !formatName.isEmpty else {
            throw refuse(.xmlError, "unknown volume encryption format", r.path, r.line)
        }
        guard let format = Format(rawValue: formatName) else {
            throw refuse(.configUnsupported, "unknown volume encryption format type \(formatName)", r.path, r.line)
        }
        var enc = StorageEncryption(format: format)
        if let engine = r.attribute("engine") {
            guard let e = Engine(rawValue: engine.value) else {
                throw r.invalid(engine, "Invalid value for attribute 'engine' in element 'encryption'")
            }
            enc.engine = e
        }
        enc.secrets = try r.children("secret") { s throws(DomainXMLError) in
            guard let type = s.string("type"), !type.isEmpty else {
                throw refuse(.xmlError, "unknown volume encryption secret type", s.path, s.line)
            }
            guard type == "passphrase" else {
                throw refuse(.configUnsupported, "unknown volume encryption secret type \(type)", s.path, s.line)
            }
            switch (s.string("uuid"), s.string("usage")) {
            case (nil, nil):
                throw refuse(.xmlError, "missing secret uuid or usage attribute", s.path, s.line)
            case (_?, _?):
                throw refuse(.xmlError, "either secret uuid or usage expected", s.path, s.line)
            case (let text?, nil):
                guard let uuid = DomainUUID(string: text) else {
                    throw refuse(.xmlError, "invalid secret uuid '\(text)'", s.path, s.line)
                }
                return .uuid(uuid)
            case (nil, let usage?):
                return .usage(usage)
            }
        }
        guard format == .luks else {
            _ = r.extras()
            return enc
        }
        enc.cipher = try r.child("cipher") { c throws(DomainXMLError) in
            guard let name = c.string("name") else {
                throw refuse(.xmlError, "cipher info missing 'name' attribute", c.path, c.line)
            }
            guard let size = try c.integer("size", in: 0...Int(UInt32.max)) else {
                throw .missing(element: c.path, attribute: "size", line: c.line)
            }
            return Cipher(name: name, size: UInt32(size), mode: c.string("mode"), hash: c.string("hash"))
        }
        enc.ivgen = try r.child("ivgen") { c throws(DomainXMLError) in
            guard enc.cipher != nil else {
                throw refuse(.xmlError, "ivgen element found, but cipher is missing", c.path, c.line)
            }
            guard let name = c.string("name") else {
                throw refuse(.xmlError, "missing ivgen info name string", c.path, c.line)
            }
            return IVGen(name: name, hash: c.string("hash"))
        }
        _ = r.extras()
        return enc
    }

    /// Parses an `<encryption>` element on its own (a volume document's).
    static func read(_ element: XMLElement, path: String) throws(DomainXMLError) -> StorageEncryption {
        var r = ElementReader(element, path: path)
        return try read(&r)
    }

    /// Writes it as virStorageEncryptionFormat: always an opening and a closing tag, even with nothing inside.
    func write(into w: inout XMLWriter) {
        w.element("encryption", [("format", format.rawValue), ("engine", engine?.rawValue)], neverEmpty: true) { w in
            for s in secrets {
                switch s {
                case .uuid(let u): w.empty("secret", [("type", "passphrase"), ("uuid", u.description)])
                case .usage(let u): w.empty("secret", [("type", "passphrase"), ("usage", u)])
                }
            }
            if format == .luks, let c = cipher {
                w.empty(
                    "cipher", [("name", c.name), ("size", String(c.size)), ("mode", c.mode), ("hash", c.hash)])
                if let i = ivgen { w.empty("ivgen", [("name", i.name), ("hash", i.hash)]) }
            }
        }
    }
}
