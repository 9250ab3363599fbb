import Foundation
import Logging

@testable import SwiftVirtQEMU

/// Scratch directory removed at the end of a test. Short paths: unix socket paths are limited to 107 bytes.
struct ScratchDirectory: ~Copyable {
    let path: String
    init() throws {
        path = "/tmp/svq-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

let testLogger: Logger = {
    var logger = Logger(label: "SwiftVirtQEMUTests")
    logger.logLevel = ProcessInfo.processInfo.environment["SVQ_DEBUG"] != nil ? .debug : .info
    return logger
}()

let qemuBinary = "/usr/bin/qemu-system-x86_64"
let qemuInstalled = FileManager.default.isExecutableFile(atPath: qemuBinary)

/// Waits until `path` exists (QEMU creates its monitor socket shortly after exec).
func waitForFile(_ path: String, timeout: Duration = .seconds(10)) async throws {
    let deadline = ContinuousClock.now + timeout
    while !FileManager.default.fileExists(atPath: path) {
        guard ContinuousClock.now < deadline else { throw CocoaError(.fileNoSuchFile) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Connects to a QEMU monitor socket, retrying while QEMU has bound it but not yet started listening.
func connectWhenListening(_ socket: String, timeout: Duration = .seconds(10)) async throws -> QMPClient {
    let deadline = ContinuousClock.now + timeout
    while true {
        do {
            return try await QMPClient.connect(path: socket, logger: testLogger)
        } catch QMPError.connectFailed where ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
