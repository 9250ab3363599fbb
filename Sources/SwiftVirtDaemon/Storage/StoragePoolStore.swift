import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// Where pools live on disk, written atomically so that a SIGKILL at any instant leaves a readable state:
/// `<state>/storage/<name>.xml` (persistent definitions), `<state>/storage/autostart/<name>` (markers) and
/// `<run>/storage/<name>.xml` (pools that are active, including transient ones). Blocking (writes are flushed):
/// call `saveConfig`, `setAutostart` and `markActive` inside `BlockingIO.run`.
struct StoragePoolStore: Sendable {
    let configDir: String
    let autostartDir: String
    let activeDir: String
    let imagesDir: String

    init(stateDir: String, runDir: String) {
        configDir = stateDir + "/storage"
        autostartDir = stateDir + "/storage/autostart"
        activeDir = runDir + "/storage"
        imagesDir = stateDir + "/images"
    }

    /// Creates the directories; returns true on the very first start, when the `default` pool is due.
    func prepare() throws -> Bool {
        let firstStart = !FileManager.default.fileExists(atPath: configDir)
        for dir in [configDir, autostartDir, activeDir] { try AtomicFile.makeDirectory(dir, mode: 0o700) }
        return firstStart
    }

    func saveConfig(_ pool: StoragePoolDefinition) throws {
        try AtomicFile.write(Array(StoragePoolXML.format(pool, usage: nil).utf8), to: path(configDir, pool.name))
    }

    func removeConfig(_ name: String) {
        unlink(path(configDir, name))
        unlink(autostartDir + "/" + name)
    }

    func setAutostart(_ name: String, _ on: Bool) throws {
        if on { try AtomicFile.write([], to: autostartDir + "/" + name) } else { unlink(autostartDir + "/" + name) }
    }

    func isAutostart(_ name: String) -> Bool { FileManager.default.fileExists(atPath: autostartDir + "/" + name) }

    func markActive(_ pool: StoragePoolDefinition) throws {
        try AtomicFile.write(Array(StoragePoolXML.format(pool, usage: nil).utf8), to: path(activeDir, pool.name))
    }

    func markInactive(_ name: String) { unlink(path(activeDir, name)) }

    func loadConfigs(logger: Logger) -> [StoragePoolDefinition] { load(configDir, logger: logger) }
    func loadActive(logger: Logger) -> [StoragePoolDefinition] { load(activeDir, logger: logger) }

    private func load(_ dir: String, logger: Logger) -> [StoragePoolDefinition] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }.sorted().compactMap { file in
            do {
                return try StoragePoolXML.parse(String(contentsOfFile: dir + "/" + file, encoding: .utf8))
            } catch {
                logger.error("ignoring storage pool file \(dir)/\(file): \(error)")
                return nil
            }
        }
    }

    private func path(_ dir: String, _ name: String) -> String { dir + "/" + name + ".xml" }
}
