import Glibc
import SwiftVirtCore
import SwiftVirtSystem

/// virDomainOpenGraphics and virDomainOpenGraphicsFD: QEMU takes a socket as a VNC or SPICE client (`getfd`,
/// then `add_client`): the client's own (OpenGraphics), or one end of a socket pair whose other end the caller
/// gets (OpenGraphicsFD).
extension QEMUDomain: GuestGraphicsAccess {
    /// The name the descriptor has in QEMU between `getfd` and `add_client`, which consumes it.
    static let graphicsDescriptorName = "graphicsfd"

    public func openGraphics(index: UInt32, skipAuth: Bool) async throws -> Int32 {
        let (ours, qemus) = try DescriptorPassing.socketPair()
        defer { close(qemus) }
        do {
            try await attachGraphicsClient(index: index, skipAuth: skipAuth, socket: qemus)
        } catch {
            close(ours)
            throw error
        }
        return ours
    }

    public func attachGraphicsClient(index: UInt32, skipAuth: Bool, socket: Int32) async throws {
        try await job.run {
            try requireAlive()
            let protocolName = try Self.clientProtocol(of: definition.devices.graphics, index: index)
            let name = JSONValue.string(Self.graphicsDescriptorName)
            _ = try await qmp.execute("getfd", arguments: ["fdname": name], passing: socket)
            do {
                _ = try await qmp.execute(
                    "add_client",
                    arguments: ["protocol": .string(protocolName), "fdname": name, "skipauth": .bool(skipAuth)])
            } catch {
                _ = try? await qmp.execute("closefd", arguments: ["fdname": name])
                throw error
            }
        }
    }

    /// `add_client`'s protocol for graphics device `index`, or libvirt's error for a missing or unsuitable one.
    static func clientProtocol(of graphics: [Graphics], index: UInt32) throws -> String {
        guard Int(index) < graphics.count else {
            throw VirtError(.internalError, domain: .qemu, detail: "No graphics backend with index \(index)")
        }
        switch graphics[Int(index)].type {
        case .vnc: return "vnc"
        case .spice: return "spice"
        case .dbus: return "@dbus-display"
        case let other:
            throw VirtError(
                .configUnsupported, domain: .qemu,
                detail: "Can only open VNC, SPICE or D-Bus p2p graphics backends, not \(other.rawValue)")
        }
    }
}
