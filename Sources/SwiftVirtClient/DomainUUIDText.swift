import SwiftVirtWire

/// Text form of the 16-byte uuid carried in `remote_nonnull_domain`.
public enum DomainUUID {
    /// 32 hex digits, dashes allowed anywhere (as libvirt's parser accepts); nil if not UUID-shaped.
    public static func parse(_ text: String) -> [UInt8]? {
        let digits = text.filter { $0 != "-" }
        guard digits.count == 32, text.count <= 36 else { return nil }
        var bytes: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let byte = UInt8(digits[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    /// Lowercase 8-4-4-4-12 form.
    public static func format(_ bytes: [UInt8]) -> String {
        var out = ""
        for (i, byte) in bytes.enumerated() {
            if [4, 6, 8, 10].contains(i) { out += "-" }
            out += byte < 16 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        return out
    }
}
