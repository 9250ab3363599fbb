import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// Files of the secret driver under STATE/secrets/ (mode 0700), as libvirt keeps them: `UUID.xml`, the
/// definition of each persistent secret, and `UUID.base64`, its value in base64, both mode 0600 and written
/// atomically. Ephemeral secrets have no files. Blocking (every write and removal is flushed): call the saving
/// and removing methods inside `BlockingIO.run`.
struct SecretStore: Sendable {
    let directory: String

    init(stateDir: String) { directory = stateDir + "/secrets" }

    func configPath(_ uuid: DomainUUID) -> String { "\(directory)/\(uuid).xml" }
    func valuePath(_ uuid: DomainUUID) -> String { "\(directory)/\(uuid).base64" }

    func prepare() throws {
        try AtomicFile.makeDirectory(directory, mode: 0o700)
        chmod(directory, 0o700)
    }

    func saveConfig(_ def: SecretDefinition) throws {
        try AtomicFile.write(SecretXML.format(def), to: configPath(def.uuid), mode: 0o600)
    }

    func saveValue(_ uuid: DomainUUID, _ value: [UInt8]) throws {
        try AtomicFile.write(Data(value).base64EncodedString(), to: valuePath(uuid), mode: 0o600)
    }

    func removeConfig(_ uuid: DomainUUID) { AtomicFile.remove(configPath(uuid)) }
    func removeValue(_ uuid: DomainUUID) { AtomicFile.remove(valuePath(uuid)) }

    struct Loaded {
        var definition: SecretDefinition
        var value: [UInt8]?
    }

    /// Every readable secret; a definition that does not parse, or whose uuid is not its file's name, is reported
    /// through `problem` and skipped, as libvirt skips it.
    func load(problem: (String) -> Void) -> [Loaded] {
        var found: [Loaded] = []
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files.sorted() where file.hasSuffix(".xml") {
            let path = "\(directory)/\(file)"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            let def: SecretDefinition
            do {
                def = try SecretXML.parse(text)
            } catch {
                problem("\(path): \(error.message)")
                continue
            }
            guard file == "\(def.uuid).xml" else {
                problem("<uuid> does not match secret file name '\(file)'")
                continue
            }
            var value: [UInt8]? = nil
            if let b64 = try? String(contentsOfFile: valuePath(def.uuid), encoding: .utf8) {
                guard let data = Data(base64Encoded: b64.trimmingWhitespace()) else {
                    problem("\(valuePath(def.uuid)): not base64")
                    continue
                }
                value = Array(data)
            }
            found.append(Loaded(definition: def, value: value))
        }
        return found
    }
}
