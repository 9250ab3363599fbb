/// Which public API functions refuse a read-only connection outright. libvirt decides this in its public API
/// layer (`virCheckReadOnlyGoto` at the top of the function in `src/libvirt-*.c`), not in the `.x` files, so the
/// generator reads it from there; a check behind an `if` (a flag or argument) is the handler's business and is not
/// counted.
public enum ReadOnlyChecks {
    public static func functions(inCSource text: String) -> Set<String> {
        var result: Set<String> = []
        var function: String?
        var previous = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if line.hasPrefix("vir"), let paren = line.firstIndex(of: "(") {
                function = String(line[..<paren])
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("virCheckReadOnlyGoto"), let function {
                let before = previous.drop { $0 == " " || $0 == "\t" }
                if !before.hasPrefix("if ") && !before.hasPrefix("if(") { result.insert(function) }
            }
            if !trimmed.isEmpty { previous = String(trimmed) }
        }
        return result
    }
}
