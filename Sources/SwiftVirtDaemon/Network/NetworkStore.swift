import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Files of the network driver: persistent definitions and autostart marks under STATE/networks/, the live
/// definitions of running networks (plus dnsmasq's files) under RUN/networks/. Blocking (every write and removal
/// is flushed): call the saving and removing methods inside `BlockingIO.run`.
struct NetworkStore: Sendable {
    let stateDirectory: String
    let runDirectory: String

    init(stateDir: String, runDir: String) {
        stateDirectory = stateDir + "/networks"
        runDirectory = runDir + "/networks"
    }

    var autostartDirectory: String { stateDirectory + "/autostart" }
    /// Present once the `default` network was created, so undefining it is not undone by the next start.
    var defaultMarker: String { stateDirectory + "/.default-network-created" }

    func prepare() throws {
        for dir in [stateDirectory, autostartDirectory, runDirectory] { try AtomicFile.makeDirectory(dir, mode: 0o755) }
    }

    func saveConfig(_ n: NetworkDefinition) throws {
        try AtomicFile.write(NetworkXML.format(n), to: "\(stateDirectory)/\(n.name).xml")
    }
    func removeConfig(_ name: String) {
        AtomicFile.remove("\(stateDirectory)/\(name).xml")
        AtomicFile.remove("\(autostartDirectory)/\(name)")
    }
    func setAutostart(_ name: String, _ on: Bool) throws {
        if on {
            try AtomicFile.write("", to: "\(autostartDirectory)/\(name)")
        } else {
            AtomicFile.remove("\(autostartDirectory)/\(name)")
        }
    }
    func saveLive(_ n: NetworkDefinition, persistent: Bool) throws {
        try AtomicFile.write(NetworkXML.format(n), to: "\(runDirectory)/\(n.name).xml")
        if !persistent { try AtomicFile.write("", to: "\(runDirectory)/\(n.name).transient") }
    }
    func removeLive(_ name: String) {
        AtomicFile.remove("\(runDirectory)/\(name).xml")
        AtomicFile.remove("\(runDirectory)/\(name).transient")
    }

    struct Loaded {
        var config: NetworkDefinition
        var live: NetworkDefinition?
        var persistent: Bool
        var autostart: Bool
    }

    /// Everything on disk; unreadable files are reported through `problem` and skipped.
    func load(problem: (String) -> Void) -> [Loaded] {
        var byName: [String: Loaded] = [:]
        func read(_ path: String) -> NetworkDefinition? {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            do { return try NetworkXML.parse(text) } catch {
                problem("\(path): \(error.virtError.message)")
                return nil
            }
        }
        let fm = FileManager.default
        for file in (try? fm.contentsOfDirectory(atPath: stateDirectory)) ?? [] where file.hasSuffix(".xml") {
            guard let n = read("\(stateDirectory)/\(file)") else { continue }
            byName[n.name] = Loaded(
                config: n, live: nil, persistent: true,
                autostart: fm.fileExists(atPath: "\(autostartDirectory)/\(n.name)"))
        }
        for file in (try? fm.contentsOfDirectory(atPath: runDirectory)) ?? [] where file.hasSuffix(".xml") {
            guard let n = read("\(runDirectory)/\(file)") else { continue }
            if byName[n.name] == nil {
                byName[n.name] = Loaded(config: n, live: nil, persistent: false, autostart: false)
            }
            byName[n.name]?.live = n
        }
        return byName.values.sorted { $0.config.name < $1.config.name }
    }
}
