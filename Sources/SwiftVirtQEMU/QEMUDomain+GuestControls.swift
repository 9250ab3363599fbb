import FoundationEssentials
import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// The balloon, keys and screenshots of a running guest, through QMP as libvirt's QEMU driver drives them.
extension QEMUDomain: GuestBalloon, GuestConsoleIO {
    /// libvirt's words when QEMU has no balloon to inflate (qemuDomainSetMemoryFlags).
    static let noBalloon = VirtError(
        .operationInvalid, domain: .qemu,
        detail: "Unable to change memory of active domain without the balloon device and guest OS balloon driver")

    public func setBalloonTarget(kib: UInt64) async throws {
        try await job.run {
            try requireAlive()
            guard try await Self.setBalloon(kib, qmp) else { throw Self.noBalloon }
        }
    }

    /// libvirt's qemuProcessSetupBalloon: QEMU starts with all of `<memory>`; the balloon takes the guest to
    /// `<currentMemory>` (a guest without the balloon driver stays as it is).
    static func setUpBalloon(_ definition: DomainDefinition, _ qmp: QMPClient) async throws {
        guard let balloon = definition.devices.memballoon, balloon.model != .none, definition.currentMemoryKiB > 0
        else { return }
        _ = try await setBalloon(definition.currentMemoryKiB, qmp)
    }

    /// QMP `balloon`; false when QEMU has no balloon to inflate.
    private static func setBalloon(_ kib: UInt64, _ qmp: QMPClient) async throws -> Bool {
        do {
            _ = try await qmp.execute("balloon", arguments: ["value": .int(Int64(kib) * 1024)])
            return true
        } catch QMPError.commandFailed(_, let errorClass, _)
            where errorClass == "DeviceNotActive" || errorClass == "KVMMissingCap"
        {
            return false
        }
    }

    /// QEMU's BALLOON_CHANGE: the guest gave memory back or took it; reported as libvirt reports it, in KiB.
    func balloonChanged(_ event: QMPEvent) {
        guard let bytes = event.data["actual"]?.intValue, bytes >= 0 else { return }
        let (observer, uuid) = (self.observer, definition.uuid)
        enqueueReport { await observer.domainBalloonChanged(uuid, actualKiB: UInt64(bytes) / 1024) }
    }

    public func sendKeys(_ keys: [UInt32], holdMilliseconds: UInt32) async throws {
        var items: [JSONValue] = []
        for (i, key) in keys.enumerated() {
            guard key <= 0xFFFF else {
                throw VirtError(
                    .operationFailed, domain: .qemu,
                    detail: "keycode \(i) is invalid: 0x\(String(key, radix: 16, uppercase: true))")
            }
            items.append(.object(["type": .string("number"), "data": .int(Int64(key))]))
        }
        var arguments: [String: JSONValue] = ["keys": .array(items)]
        if holdMilliseconds > 0 { arguments["hold-time"] = .int(Int64(holdMilliseconds)) }
        try await job.run {
            try requireAlive()
            _ = try await qmp.execute("send-key", arguments: arguments)
        }
    }

    public func screenshot(screen: UInt32) async throws -> (mime: String, image: [UInt8]) {
        let videos = definition.devices.videos
        guard !videos.isEmpty else {
            throw VirtError(.operationInvalid, domain: .qemu, detail: "no screens to take screenshot from")
        }
        // A file of our own for QEMU to write (libvirt's qemu.screendump.XXXXXX in the domain's directory).
        var template = Array("\(status.domainDirectory)/qemu.screendump.XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw VirtError(.systemError, domain: .qemu, detail: "mkstemp failed: \(String(cString: strerror(errno)))")
        }
        close(fd)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        var arguments: [String: JSONValue] = ["filename": .string(path)]
        if screen > 0 {
            // Screens are numbered across the video devices, each with its heads.
            var left = Int(screen)
            guard
                let index = videos.indices.first(where: { i in
                    let heads = videos[i].heads ?? 1
                    if left < heads { return true }
                    left -= heads
                    return false
                })
            else { throw VirtError(.operationInvalid, domain: .qemu, detail: "no such screen ID") }
            arguments["device"] = .string(videos[index].alias ?? "video\(index)")
            arguments["head"] = .int(Int64(left))
        }
        let mime = try await job.run {
            try requireAlive()
            // PNG where QEMU was built with it (libvirt asks for it then), else QEMU's PPM.
            var png = arguments
            png["format"] = .string("png")
            do {
                _ = try await qmp.execute("screendump", arguments: png)
                return "image/png"
            } catch QMPError.commandFailed(_, let errorClass, let text)
                where errorClass == "GenericError" && text.contains("format")
            {
                _ = try await qmp.execute("screendump", arguments: arguments)
                return "image/x-portable-pixmap"
            }
        }
        let image = try await BlockingIO.run { try Data(contentsOf: URL(fileURLWithPath: path)) }
        return (mime, Array(image))
    }
}
