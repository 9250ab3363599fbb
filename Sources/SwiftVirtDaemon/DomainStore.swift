import FoundationEssentials
import Glibc
import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// Where a driver's domain registry keeps definitions, autostart marks and the status of running domains.
protocol DomainPersistence: Sendable {
    /// `xml`: the definition formatted (with its secrets), as the caller made it once.
    func saveConfig(_ definition: DomainDefinition, xml: String) throws
    func removeConfig(name: String) throws
    func setAutostart(name: String, _ enabled: Bool) throws
    func isAutostart(name: String) -> Bool
    /// Every stored definition as parsed (the driver adds its defaults), with where it came from.
    func loadConfigs(logger: Logger) -> [(path: String, definition: DomainDefinition)]
    func saveStatus(_ status: DomainStore.Status) throws
    func removeStatus(uuid: DomainUUID)
    func loadStatuses(logger: Logger) -> [DomainStore.Status]
}

/// On-disk state of one driver (DRIVER is its URI scheme, `qemu`), one fixed layout:
/// - `STATE/DRIVER/NAME.xml`: persistent (inactive) definitions, brought up to date from `STATE/DRIVER/journal`
///   (see `DefinitionJournal`: a define or undefine is durable once journalled; the files follow shortly).
/// - `STATE/DRIVER/autostart/NAME`: marker files for autostart.
/// - `RUN/domains/UUID.json` (QEMU; other drivers `RUN/DRIVER/domains/`): status of running domains (live XML, id,
///   driver status), so a restarted daemon finds its guests again. /run is the right place: it vanishes with the
///   guests on host reboot.
/// Blocking (every change is flushed): `prepare`, `saveConfig`, `removeConfig`, `setAutostart`, `saveStatus` and
/// `removeStatus` run inside `BlockingIO.run`.
struct DomainStore: DomainPersistence {
    let configDir: String
    let autostartDir: String
    let statusDir: String
    let journal: DefinitionJournal

    /// `backgroundCheckpoints: false` leaves the config files to explicit `journal.checkpoint()` calls (tests).
    init(stateDir: String, runDir: String, driver: String = "qemu", backgroundCheckpoints: Bool = true) {
        configDir = stateDir + "/" + driver
        autostartDir = stateDir + "/" + driver + "/autostart"
        // The QEMU driver's statuses kept the path they had before there were other drivers.
        statusDir = driver == "qemu" ? runDir + "/domains" : runDir + "/" + driver + "/domains"
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

    func saveConfig(_ definition: DomainDefinition, xml: String) throws {
        try journal.append(.define(name: definition.name, xml: xml))
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

    /// Every stored definition as parsed (the driver adds its defaults) with its path; one that no longer parses
    /// is logged and skipped, never deleted.
    func loadConfigs(logger: Logger) -> [(path: String, definition: DomainDefinition)] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: configDir)) ?? []
        var result: [(path: String, definition: DomainDefinition)] = []
        for file in files.sorted() where file.hasSuffix(".xml") && !file.hasPrefix(".") {
            let path = configDir + "/" + file
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                result.append((path, try DomainXML.parse(text)))
            } catch {
                logger.error("skipping unreadable domain config \(path): \(error.asVirtError.logDescription)")
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
