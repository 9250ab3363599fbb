/// Why a pool or volume document was refused: libvirt's error code for the same refusal, and a detail that gives
/// libvirt's own wording followed by the element (and line) at fault. Reported in the storage error domain.
public struct StorageXMLError: Error, Sendable, Equatable, CustomStringConvertible, LibvirtMappable {
    public var code: VirtErrorCode
    public var detail: String

    public init(_ code: VirtErrorCode, _ text: String, element: String? = nil, line: Int? = nil) {
        self.code = code
        var detail = text
        if let element {
            detail += " (<\(element)>" + (line.map { ", line \($0)" } ?? "") + ")"
        }
        self.detail = detail
    }

    /// The structural errors of `ElementReader` (missing, malformed, not unique), moved to the storage domain.
    public init(_ error: DomainXMLError) {
        let v = error.virtError
        code = v.code
        detail = Self.detail(of: v)
    }

    private static func detail(of v: VirtError) -> String {
        let form = v.code.detailForm
        var text = Substring(v.message)
        if text.hasPrefix(form.before) { text = text.dropFirst(form.before.count) }
        if !form.after.isEmpty, text.hasSuffix(form.after) { text = text.dropLast(form.after.count) }
        return String(text)
    }

    public var virtError: VirtError { VirtError(code, domain: .storage, detail: detail) }
    public var description: String { virtError.message }

    // libvirt's refusals, by the code it reports them with.
    static func xml(_ text: String, _ element: String, _ line: Int?) -> StorageXMLError {
        StorageXMLError(.xmlError, text, element: element, line: line)
    }
    static func unsupported(_ text: String, _ element: String, _ line: Int?) -> StorageXMLError {
        StorageXMLError(.configUnsupported, text, element: element, line: line)
    }
}

extension StorageXMLError {
    /// Runs a reader step, turning its structural errors into storage errors.
    static func reading<T>(_ body: () throws(DomainXMLError) -> T) throws(StorageXMLError) -> T {
        do { return try body() } catch { throw StorageXMLError(error) }
    }
}
