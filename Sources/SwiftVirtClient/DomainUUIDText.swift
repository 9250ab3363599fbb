import SwiftVirtCore

/// Text form of the 16-byte uuid carried in `remote_nonnull_domain`, on top of the core's `DomainUUID`
/// (qualified as `SwiftVirtCore.DomainUUID`: this enum keeps the client's byte-array API).
public enum DomainUUID {
    /// 32 hex digits, dashes allowed anywhere (as libvirt's parser accepts); nil if not UUID-shaped.
    public static func parse(_ text: String) -> [UInt8]? {
        // The core parser also skips spaces; a lookup key with spaces is a name, never a uuid.
        guard text.count <= 36, !text.contains(" ") else { return nil }
        return SwiftVirtCore.DomainUUID(string: text)?.bytes
    }

    /// Lowercase 8-4-4-4-12 form.
    public static func format(_ bytes: [UInt8]) -> String {
        SwiftVirtCore.DomainUUID(bytes: bytes)?.description 
            ?? bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
