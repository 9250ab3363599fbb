#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum FileHandleWriter {
    static func writeToStandardError(_ string: String) {
        // write(2) on descriptor 2 rather than C's `stderr`, a global Swift 6 treats as shared mutable state.
        let bytes = Array(string.utf8)
        _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    /// The whole file as UTF-8 text, or a message saying why it could not be read.
    static func readText(path: String) throws(CommandFailure) -> String {
        guard let file = fopen(path, "rb") else {
            throw CommandFailure(message: "Failed to open file '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: chunk.prefix(n)) }
            if n < chunk.count { break }
        }
        if ferror(file) != 0 { throw CommandFailure(message: "Failed to read file '\(path)'") }
        return String(decoding: bytes, as: UTF8.self)
    }
}
