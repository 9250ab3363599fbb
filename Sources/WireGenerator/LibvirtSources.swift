/// The libvirt 9.0 protocol files the wire layer is generated from, and how each maps into Swift.
public enum LibvirtSources {
    public struct Entry: Sendable {
        public var fileName: String
        public var prefix: String
        public var namespace: String
        public var messagesDropPrefix: Bool
        public var proceduresAreMessages: Bool
    }

    /// In dependency order: the smaller programs use the remote program's types.
    public static let files: [Entry] = [
        Entry(fileName: "remote_protocol.x", prefix: "remote", namespace: "Remote", messagesDropPrefix: true, proceduresAreMessages: false),
        Entry(fileName: "qemu_protocol.x", prefix: "qemu", namespace: "Qemu", messagesDropPrefix: false, proceduresAreMessages: false),
        Entry(fileName: "lxc_protocol.x", prefix: "lxc", namespace: "Lxc", messagesDropPrefix: false, proceduresAreMessages: false),
        Entry(fileName: "virkeepaliveprotocol.x", prefix: "keepalive", namespace: "Keepalive", messagesDropPrefix: false, proceduresAreMessages: true),
    ]

    /// Constants the `.x` files take from libvirt's C headers (libvirt.h, libvirt-common.h).
    public static let headerConstants: [String: Int] = [
        "VIR_UUID_BUFLEN": 16,
        "VIR_SECURITY_MODEL_BUFLEN": 256 + 1,
        "VIR_SECURITY_LABEL_BUFLEN": 4096 + 1,
        "VIR_SECURITY_DOI_BUFLEN": 256 + 1,
        "VIR_TYPED_PARAM_INT": 1,
        "VIR_TYPED_PARAM_UINT": 2,
        "VIR_TYPED_PARAM_LLONG": 3,
        "VIR_TYPED_PARAM_ULLONG": 4,
        "VIR_TYPED_PARAM_DOUBLE": 5,
        "VIR_TYPED_PARAM_BOOLEAN": 6,
        "VIR_TYPED_PARAM_STRING": 7,
    ]
}
