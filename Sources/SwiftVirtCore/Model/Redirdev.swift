/// `<redirdev bus='usb'>`: a USB device of a remote client handed to the guest through a character device —
/// SPICE's usbredir channel (`type='spicevmc'`), or a usbredir server on a socket (`tcp`, `unix`).
public struct RedirectedDevice: Sendable, Equatable {
    public enum Bus: String, Sendable, Equatable, CaseIterable { case usb }
    public var bus: Bus = .usb
    /// The backend: its type, `<source>` and `<protocol>` (targets do not apply).
    public var backend: CharDevice
    public var bootOrder: Int?
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(backend: CharDevice) { self.backend = backend }
}

/// `<redirfilter>`: which USB devices a client may redirect, first matching rule wins (QEMU's usb-redir `filter`).
public struct RedirFilter: Sendable, Equatable {
    /// One `<usbdev>` rule; nil fields match any device.
    public struct Rule: Sendable, Equatable {
        public var usbClass: Int?
        public var vendor: Int?
        public var product: Int?
        /// Binary-coded decimal as USB writes it: `2.56` is 0x0256.
        public var version: Int?
        public var allow: Bool
        public init(usbClass: Int? = nil, vendor: Int? = nil, product: Int? = nil, version: Int? = nil, allow: Bool) {
            (self.usbClass, self.vendor, self.product, self.version, self.allow) = (usbClass, vendor, product, version, allow)
        }
    }
    public var rules: [Rule] = []
    public init(rules: [Rule] = []) { self.rules = rules }

    /// `JJ.MN` as 0xJJMN (`JJ.M` is `JJ.M0`), as libvirt reads it; nil when malformed.
    public static func version(_ text: String) -> Int? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let major = UInt(parts[0]), var minor = UInt(parts[1]), major < 100, minor < 100
        else { return nil }
        if parts[1].count == 1 { minor *= 10 }
        return Int((major / 10) << 12 | (major % 10) << 8 | (minor / 10) << 4 | (minor % 10))
    }

    public static func versionText(_ v: Int) -> String {
        let major = ((v & 0xf000) >> 12) * 10 + ((v & 0x0f00) >> 8)
        let minor = ((v & 0x00f0) >> 4) * 10 + (v & 0x000f)
        return "\(major)." + (minor < 10 ? "0\(minor)" : "\(minor)")
    }

    /// `0x` and upper-case hex digits, at least `width` of them (libvirt's `0x%04X`).
    public static func hex(_ v: Int, width: Int) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// QEMU's `filter=` value: `class:vendor:product:version:allow` rules joined by `|`.
    public var qemuFilter: String {
        func field(_ v: Int?, _ width: Int) -> String { v.map { Self.hex($0, width: width) } ?? "-1" }
        return rules.map {
            [field($0.usbClass, 2), field($0.vendor, 4), field($0.product, 4), field($0.version, 4), $0.allow ? "1" : "0"]
                .joined(separator: ":")
        }.joined(separator: "|")
    }
}
