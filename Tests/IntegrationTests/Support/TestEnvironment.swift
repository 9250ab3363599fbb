import Foundation

/// A failure of the test harness itself (missing binary, timeout, command error), with enough context to act on.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Where the integration tests find the package, the binaries under test and the guest image.
enum TestEnvironment {
    /// Tests/IntegrationTests/Support/TestEnvironment.swift → package root.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let virsh = "/usr/bin/virsh"
    /// Debian's interpreter, the one python3-libvirt is installed for.
    static let python = "/usr/bin/python3"
    static let banner = "SwiftVirt guest ready"

    /// `$SWIFTVIRTD`, else `swiftvirtd` next to the running test binary (same build dir, whatever the
    /// `--build-path`), else `.build/debug/swiftvirtd`.
    static func daemonBinary() throws -> String {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["SWIFTVIRTD"], !path.isEmpty {
            guard fm.isExecutableFile(atPath: path) else { throw HarnessError("SWIFTVIRTD=\(path) is not executable") }
            return path
        }
        var candidates: [String] = []
        if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
            // The test binary sits inside SwiftVirtPackageTests.xctest/ on some layouts.
            for _ in 0..<3 {
                candidates.append(dir.appendingPathComponent("swiftvirtd").path)
                dir = dir.deletingLastPathComponent()
            }
        }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/swiftvirtd").path)
        if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0) }) { return found }
        throw HarnessError(
            "swiftvirtd not built; looked in \(candidates). Run `swift build` first (scripts/test.sh does).")
    }

    /// Our own CLI, built beside the daemon.
    static func cliBinary() throws -> String {
        let path = URL(fileURLWithPath: try daemonBinary()).deletingLastPathComponent().appendingPathComponent("swiftvirt")
            .path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("swiftvirt not built beside swiftvirtd (\(path)); run `swift build` first")
        }
        return path
    }

    /// The kernel and initramfs built by scripts/build-guest-image.sh.
    static func guestImage() throws -> (kernel: String, initrd: String) {
        let env = ProcessInfo.processInfo.environment
        let dir: String
        if let configured = env["SWIFTVIRT_GUEST_DIR"], !configured.isEmpty {
            dir = configured
        } else if getuid() == 0 {
            dir = "/var/cache/swiftvirt/guest"
        } else {
            dir = (env["HOME"] ?? "/root") + "/.cache/swiftvirt/guest"
        }
        let kernel = dir + "/vmlinuz"
        let initrd = dir + "/initrd.img"
        for file in [kernel, initrd] where !FileManager.default.fileExists(atPath: file) {
            throw HarnessError(
                "guest image missing: \(file). Build it with scripts/build-guest-image.sh (scripts/test.sh does).")
        }
        return (kernel, initrd)
    }

    /// scripts/demo-domain.xml with the placeholders filled in.
    static func guestXML(name: String, serialLog: String) throws -> String {
        let image = try guestImage()
        let template = try String(
            contentsOf: packageRoot.appendingPathComponent("scripts/demo-domain.xml"), encoding: .utf8)
        return
            template
            .replacingOccurrences(of: "@NAME@", with: name)
            .replacingOccurrences(of: "@KERNEL@", with: image.kernel)
            .replacingOccurrences(of: "@INITRD@", with: image.initrd)
            .replacingOccurrences(of: "@SERIAL_LOG@", with: serialLog)
    }

    static func pythonScript(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/IntegrationTests/python/\(name)").path
    }
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes.
func waitUntil(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(60),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw HarnessError("timed out after \(timeout) waiting for \(what())")
}

/// The file's text, lossily decoded (serial logs carry terminal escapes); "" when it does not exist yet.
func readFile(_ path: String) -> String {
    guard let data = FileManager.default.contents(atPath: path) else { return "" }
    return String(decoding: data, as: UTF8.self)
}

/// Writes `text` to the file `name` in `dir` (a test's scratch directory); its path.
func writeScratchFile(_ dir: URL, _ name: String, _ text: String) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
