/// What libvirt's `.x` files say about a procedure in the comment before it (see the header of
/// `enum remote_procedure` there): whether stubs are generated, its dispatch priority, its stream direction and
/// its access-control rules.
public struct ProcedureAnnotations: Sendable, Equatable {
    public var generate: String?
    public var priorityHigh = false
    /// `@readstream`: data flows from the daemon to the client.
    public var readStream = false
    /// `@writestream`: data flows from the client to the daemon.
    public var writeStream = false
    public var sparseFlag: String?
    public var acl: [String] = []
    public var aclFilter: [String] = []

    public init() {}

    /// Reads `@key: value` lines from a comment; unknown keys are ignored (libvirt adds new ones now and then).
    public init(comment: String?) {
        guard let comment else { return }
        for rawLine in comment.split(separator: "\n") {
            var line = Substring(rawLine)
            while let first = line.first, first == " " || first == "*" || first == "/" || first == "\t" {
                line = line.dropFirst()
            }
            guard line.hasPrefix("@"), let colon = line.firstIndex(of: ":") else { continue }
            let key = line[line.index(after: line.startIndex)..<colon]
            var value = line[line.index(after: colon)...]
            while value.first == " " { value = value.dropFirst() }
            while value.last == " " || value.last == "/" || value.last == "*" { value = value.dropLast() }
            let text = String(value)
            switch key {
            case "generate": generate = text
            case "priority": priorityHigh = text == "high"
            case "readstream": readStream = true
            case "writestream": writeStream = true
            case "sparseflag": sparseFlag = text
            case "acl": acl.append(text)
            case "aclfilter": aclFilter.append(text)
            default: break
            }
        }
    }
}
