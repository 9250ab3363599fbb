import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// On-disk state, one fixed layout:
/// - `STATE/qemu/NAME.xml`: persistent (inactive) definitions, brought up to date from `STATE/qemu/journal`
///   (see `DefinitionJournal`: a define or undefine is durable once journalled; the files follow shortly).
/// - `STATE/qemu/autostart/NAME`: marker files for autostart.
/// - `RUN/domains/UUID.json`: status of running domains (live XML, id, driver status), so a restarted
///   daemon finds its guests again. /run is the right place: it vanishes with the guests on host reboot.
/// Blocking (every change is flushed): `prepare`, `saveConfig`, `removeConfig`, `setAutostart`, `saveStatus` and
/// `removeStatus` run inside `BlockingIO.run`.
struct DomainStore: Sendable {
    let configDir: String
    let autostartDir: String
    let statusDir: String
    let journal: DefinitionJournal

    /// `backgroundCheckpoints: false` leaves the config files to explicit `journal.checkpoint()` calls (tests).
    init(stateDir: String, runDir: String, backgroundCheckpoints: Bool = true) {
        configDir = stateDir + "/qemu"
        autostartDir = stateDir + "/qemu/autostart"
        statusDir = runDir + "/domains"
        // Config files follow 2 s after the last change: late enough that a burst of defines (and whatever
        // else uses the disk right after it) does not share the disk with the checkpoint's syncfs.
        journal = DefinitionJournal(
            configDir: configDir, idleDelayNanoseconds: backgroundCheckpoints ? 2_000_000_000 : nil,
            logger: Logger(label: "swiftvirtd.journal"))
    }

    /// Creates the directories and replays the definition journal into the config files; run before loading.
    func prepare() throws {
        for dir in [configDir, autostartDir, statusDir] { try AtomicFile.makeDirectory(dir, mode: 0o700) }
        try journal.open()
    }

    // MARK: persistent configs

    func saveConfig(_ definition: DomainDefinition) throws {
        try journal.append(.define(name: definition.name, xml: DomainXML.format(definition)))
    }

    func removeConfig(name: String) throws {
        try journal.append(.undefine(name: name))
        AtomicFile.remove(autostartDir + "/" + name)
    }

    func setAutostart(name: String, _ enabled: Bool) throws {
        let path = autostartDir + "/" + name
        if enabled { try AtomicFile.write("", to: path) } else { AtomicFile.remove(path) }
    }

    func isAutostart(name: String) -> Bool {
        FileManager.default.fileExists(atPath: autostartDir + "/" + name)
    }

    /// Every stored definition; one that no longer parses is logged and skipped, never deleted.
    func loadConfigs(logger: Logger) -> [DomainDefinition] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: configDir)) ?? []
        var result: [DomainDefinition] = []
        for file in files.sorted() where file.hasSuffix(".xml") && !file.hasPrefix(".") {
            let path = configDir + "/" + file
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                var def = try DomainXML.parse(text)
                try def.applyDefaults()
                result.append(def)
            } catch {
                logger.error("skipping unreadable domain config \(path): \(error.asVirtError.message)")
            }
        }
        return result
    }

    private func configPath(_ name: String) -> String { configDir + "/" + name + ".xml" }

    // MARK: running-domain status

    struct Status: Codable, Sendable {
        var version = 1
        var name: String
        var uuid: String
        var id: Int32
        var persistent: Bool
        var liveXML: String
        var driverStatus: [UInt8]
        var state: DomainState
        var reason: Int32
        /// Each `<interface>`'s host device (tap) in order: the XML drops generated `vnet` names, but a restarted
        /// daemon must know a running guest's taps to re-attach them to a restarted network and delete them at stop.
        var interfaceTargets: [String?]? = nil
    }

    func saveStatus(_ status: Status) throws {
        let data = try JSONEncoder().encode(status)
        try AtomicFile.write(Array(data), to: statusDir + "/" + status.uuid + ".json")
    }

    func removeStatus(uuid: DomainUUID) {
        AtomicFile.remove(statusDir + "/\(uuid).json")
    }

    func loadStatuses(logger: Logger) -> [Status] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: statusDir)) ?? []
        var result: [Status] = []
        for file in files.sorted() where file.hasSuffix(".json") && !file.hasPrefix(".") {
            let path = statusDir + "/" + file
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                result.append(try JSONDecoder().decode(Status.self, from: data))
            } catch {
                logger.error("ignoring unreadable status file \(path): \(error)")
            }
        }
        return result
    }
}
