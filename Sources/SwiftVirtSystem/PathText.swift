/// Lexical path operations (what NSString's path methods did) for absolute paths the daemon and drivers build
/// themselves. These modules avoid Foundation (only FoundationEssentials), which keeps swiftvirtd's memory down.
public enum PathText {
    /// The last component: "/a/b/c.xml" → "c.xml"; trailing slashes are ignored.
    public static func name(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        let name = String(trimmed[trimmed.index(after: slash)...])
        return name.isEmpty ? trimmed : name
    }

    /// Everything before the last component: "/a/b/c.xml" → "/a/b", "/c" → "/", "c" → "".
    public static func directory(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let dir = trimmingTrailingSlashes(String(trimmed[..<slash]))
        return dir.isEmpty ? "/" : dir
    }

    /// Drops empty and "." components and resolves ".." lexically: "/a//b/./../c" → "/a/c".
    public static func standardized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case ".." where !parts.isEmpty && parts.last != "..": parts.removeLast()
            case ".." where path.hasPrefix("/"): continue
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    private static func trimmingTrailingSlashes(_ path: String) -> String {
        var s = Substring(path)
        while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
        return String(s)
    }
}
