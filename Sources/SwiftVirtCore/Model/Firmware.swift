/// `<os firmware=...>`: firmware the driver picks itself from the hypervisor's firmware descriptors at start.
public enum FirmwareType: String, Sendable, Equatable, CaseIterable { case bios, efi }

/// `<os><firmware><feature name=... enabled=.../>`: what an auto-selected firmware must have (`true`) or must not
/// have (`false`); nil leaves it open. libvirt writes them in this order.
public struct FirmwareFeatures: Sendable, Equatable {
    public var enrolledKeys: Bool?
    public var secureBoot: Bool?
    public init(enrolledKeys: Bool? = nil, secureBoot: Bool? = nil) {
        self.enrolledKeys = enrolledKeys
        self.secureBoot = secureBoot
    }
}

/// `<os><loader>`: the firmware image itself.
public struct FirmwareLoader: Sendable, Equatable {
    /// `rom` is loaded with -bios; `pflash` is mapped as flash (UEFI), with its variables in `<nvram>`.
    public enum LoaderType: String, Sendable, Equatable, CaseIterable { case rom, pflash }
    public var readonly: Bool?
    /// Flash writes only from SMM (secure boot's protection of its variables).
    public var secure: Bool?
    public var type: LoaderType?
    /// A firmware without a variable store.
    public var stateless: Bool?
    public var path: String?
    public init(
        readonly: Bool? = nil, secure: Bool? = nil, type: LoaderType? = nil, stateless: Bool? = nil,
        path: String? = nil
    ) {
        self.readonly = readonly
        self.secure = secure
        self.type = type
        self.stateless = stateless
        self.path = path
    }

    /// Written as libvirt writes it: nothing when it has neither an attribute nor a path.
    public var isEmpty: Bool { readonly == nil && secure == nil && type == nil && stateless == nil && path == nil }
}

/// `<os><nvram>`: a domain's own UEFI variable store (`path`), copied from `template` when it does not exist.
public struct NVRAMStore: Sendable, Equatable {
    public var template: String?
    public var path: String?
    public init(template: String? = nil, path: String? = nil) {
        self.template = template
        self.path = path
    }
}
