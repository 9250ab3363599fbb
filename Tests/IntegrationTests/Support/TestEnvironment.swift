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
        for file in ["/vmlinuz", "/initrd.img"] where !FileManager.default.fileExists(atPath: dir + file) {
            throw HarnessError(
                "guest image missing: \(dir + file). Build it with scripts/build-guest-image.sh "
                    + "(scripts/test.sh does).")
        }
        let current = try currentGuestImage(shared: dir)
        return (current + "/vmlinuz", current + "/initrd.img")
    }

    private static let imageLock = NSLock()

    /// The image as this checkout's scripts/build-guest-image.sh makes it: the shared cache when its stamp is this
    /// script's, else a cache of its own beside it named by the script's hash, built once (the kernel package
    /// linked from the shared cache, so nothing is downloaded). Checkouts with different scripts then never
    /// rebuild each other's image under a running test.
    private static func currentGuestImage(shared: String) throws -> String {
        imageLock.lock()
        defer { imageLock.unlock() }
        let script = packageRoot.appendingPathComponent("scripts/build-guest-image.sh").path
        let hash = String(try shell("sha256sum '\(script)'").prefix(16))
        func stamp(_ dir: String) -> String {
            readFile(dir + "/stamp").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if stamp(shared) == hash { return shared }
        let own = shared + "-" + hash
        if stamp(own) == hash && FileManager.default.fileExists(atPath: own + "/initrd.img") { return own }
        _ = try shell(
            """
            mkdir -p '\(own)'
            for deb in '\(shared)'/linux-image-*.deb; do [ -e "$deb" ] && ln -f "$deb" '\(own)/' 2>/dev/null || true; done
            '\(script)' '\(own)'
            """)
        return own
    }

    /// Runs `command` with /bin/sh and returns its output (standard error included); a failure throws with it.
    private static func shell(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("`\(command)` failed: \(output)") }
        return output
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
