import Foundation
import Logging
import SwiftVirtSystem
import Testing

@testable import SwiftVirtCore
@testable import SwiftVirtDaemon

@Suite struct DomainStoreTests {
    let root: String
    init() throws {
        root = NSTemporaryDirectory() + "swiftvirt-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func definition(_ name: String) throws -> DomainDefinition {
        var def = try DomainXML.parse(
            "<domain type='qemu'><name>\(name)</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>")
        try def.applyDefaults()
        return def
    }

    /// A store as a (re)started daemon opens it: `prepare` replays the definition journal.
    func reopened() throws -> DomainStore {
        let store = DomainStore(stateDir: root + "/state", runDir: root + "/run", backgroundCheckpoints: false)
        try store.prepare()
        return store
    }

    @Test func configsRoundTripAndSurviveRestart() throws {
        let store = try reopened()
        let a = try definition("alpha")
        try store.saveConfig(a, xml: DomainXML.format(a))
        try store.setAutostart(name: "alpha", true)
        // A config that no longer parses is skipped, not deleted.
        try "<domain".write(toFile: root + "/state/qemu/broken.xml", atomically: false, encoding: .utf8)
        let restarted = try reopened()
        let loaded = restarted.loadConfigs(logger: Logger(label: "t"))
        // The store gives back what it parsed; the registry adds the driver's defaults, as here.
        var back = try #require(loaded.first).definition
        try back.applyDefaults()
        #expect(loaded.count == 1 && back == a)
        #expect(restarted.isAutostart(name: "alpha"))
        #expect(FileManager.default.fileExists(atPath: root + "/state/qemu/broken.xml"))
        try restarted.removeConfig(name: "alpha")
        #expect(try reopened().loadConfigs(logger: Logger(label: "t")).isEmpty)
        #expect(!restarted.isAutostart(name: "alpha"))
    }

    @Test func statusRoundTrip() throws {
        let store = DomainStore(stateDir: root + "/state", runDir: root + "/run")
        try store.prepare()
        let def = try definition("beta")
        let status = DomainStore.Status(
            name: "beta", uuid: "\(def.uuid)", id: 7, persistent: true, liveXML: DomainXML.format(def),
            driverStatus: [1, 2, 3], state: .paused, reason: 1)
        try store.saveStatus(status)
        let back = store.loadStatuses(logger: Logger(label: "t"))
        #expect(back.count == 1)
        #expect(back.first?.id == 7 && back.first?.state == .paused && back.first?.driverStatus == [1, 2, 3])
        store.removeStatus(uuid: def.uuid)
        #expect(store.loadStatuses(logger: Logger(label: "t")).isEmpty)
    }

    @Test func atomicWriteReplacesAndLeavesNoTempFiles() throws {
        let path = root + "/file.txt"
        try AtomicFile.write("one", to: path)
        try AtomicFile.write("two", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["file.txt"])
        // A write into a missing directory fails with the path named, and leaves nothing behind.
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write("x", to: root + "/missing/f") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["file.txt"])
    }
}

@Suite struct DomainJobsTests {
    /// Jobs on one domain never overlap; a second job waits for the first.
    @Test func serialisesOneDomain() async throws {
        let jobs = DomainJobs()
        let uuid = DomainUUID.random()
        let log = LogBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<5 {
                group.addTask {
                    try await jobs.run(uuid) {
                        await log.append("start \(i)")
                        try await Task.sleep(for: .milliseconds(20))
                        await log.append("end \(i)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let entries = await log.entries
        #expect(entries.count == 10)
        for pair in stride(from: 0, to: entries.count, by: 2) {
            let started = entries[pair].dropFirst("start ".count)
            #expect(entries[pair + 1] == "end \(started)")
        }
    }
}

actor LogBox {
    var entries: [String] = []
    func append(_ s: String) { entries.append(s) }
}
