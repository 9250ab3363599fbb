import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Files of the nwfilter driver: each filter's definition as STATE/nwfilter/NAME.xml (kept across restarts, as
/// libvirt keeps /etc/libvirt/nwfilter), each binding as RUN/nwfilter-binding/PORTDEV.xml (gone with the host's
/// /run, as libvirt's). Written atomically. Blocking: call the methods inside `BlockingIO.run`.
struct NWFilterStore: Sendable {
    let filterDirectory: String
    let bindingDirectory: String
    /// Where the host's stock filters are read from at first start (Debian's libvirt-daemon-config-nwfilter).
    let stockDirectory: String

    init(stateDir: String, runDir: String, stockDirectory: String = "/etc/libvirt/nwfilter") {
        filterDirectory = stateDir + "/nwfilter"
        bindingDirectory = runDir + "/nwfilter-binding"
        self.stockDirectory = stockDirectory
    }

    /// Makes the directories; true when the filter directory is new (the first start).
    func prepare() throws -> Bool {
        let first = !FileManager.default.fileExists(atPath: filterDirectory)
        try AtomicFile.makeDirectory(filterDirectory, mode: 0o700)
        try AtomicFile.makeDirectory(bindingDirectory, mode: 0o700)
        return first
    }

    func filterPath(_ name: String) -> String { "\(filterDirectory)/\(name).xml" }
    func bindingPath(_ port: String) -> String { "\(bindingDirectory)/\(port).xml" }

    func save(_ def: NWFilterDefinition) throws {
        try AtomicFile.write(NWFilterXML.format(def), to: filterPath(def.name), mode: 0o600)
    }

    func remove(filter name: String) { AtomicFile.remove(filterPath(name)) }

    func save(_ b: NWFilterBinding) throws { try AtomicFile.write(b.xml, to: bindingPath(b.portDev), mode: 0o600) }

    func remove(binding port: String) { AtomicFile.remove(bindingPath(port)) }

    /// Every filter definition in `directory` that parses; one that does not is reported and skipped.
    func loadFilters(from directory: String? = nil, problem: (String) -> Void) -> [NWFilterDefinition] {
        load(directory ?? filterDirectory, problem: problem) { text throws(VirtError) in try NWFilterXML.parse(text) }
    }

    func loadBindings(problem: (String) -> Void) -> [NWFilterBinding] {
        load(bindingDirectory, problem: problem) { text throws(VirtError) in try NWFilterBinding.parse(text) }
    }

    private func load<T>(_ dir: String, problem: (String) -> Void, parse: (String) throws(VirtError) -> T) -> [T] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        var out: [T] = []
        for file in files.sorted() where file.hasSuffix(".xml") {
            let path = "\(dir)/\(file)"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            do {
                out.append(try parse(text))
            } catch {
                problem("\(path): \(error.message)")
            }
        }
        return out
    }
}
