import Foundation
import SwiftVirtClient
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Incoming packets are capped at libvirt's VIR_NET_MESSAGE_MAX")
struct OversizePacketTests {
    /// A raw unix-socket server answers the client's first call with a length word far above 32 MiB and then
    /// keeps the socket open: the client must fail the call at once with libvirt's message, not wait to buffer.
    @Test func oversizeLengthWordFailsTheConnection() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "svt-oversize-\(UUID().uuidString.prefix(6)).sock"
        ).path
        let server = try RawServer(path: path)
        defer { server.stop() }
        let answered = Thread {
            guard let client = server.acceptOne() else { return }
            var request = [UInt8](repeating: 0, count: 64)
            _ = read(client, &request, request.count)  // the AUTH_LIST call
            // 1 GiB announced, then nothing: a capped client gives up on the length word alone.
            let header: [UInt8] = [0x40, 0x00, 0x00, 0x00]
            _ = header.withUnsafeBytes { write(client, $0.baseAddress, 4) }
            sleep(5)
            close(client)
        }
        answered.start()
        do {
            _ = try await VirtConnection.connect(to: LibvirtURI("qemu+unix:///system?socket=\(path)"), keepalive: nil)
            Issue.record("connected to a server that sent a 1 GiB packet")
        } catch {
            #expect(
                "\(error)" == "protocol error: packet 1073741820 bytes received from server too large, want 33554432",
                "\(error)")
        }
    }
}

/// A listening unix socket for one raw client.
private final class RawServer: @unchecked Sendable {
    // Only the file descriptor, set once in init; @unchecked because Thread closures capture it.
    let fd: Int32
    let path: String

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    func acceptOne() -> Int32? {
        let client = accept(fd, nil, nil)
        return client >= 0 ? client : nil
    }

    func stop() {
        close(fd)
        unlink(path)
    }
}
