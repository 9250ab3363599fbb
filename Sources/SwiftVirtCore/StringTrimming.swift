/// Whitespace trimming without Foundation: the daemon's modules import only FoundationEssentials (no ICU, no
/// CharacterSet), which keeps swiftvirtd's resident memory down.
extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines (what XML element text and /proc values carry).
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace }) ?? first
        return String(self[first...last])
    }
}
