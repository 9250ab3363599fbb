import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SwiftVirtWire

/// Sets up the byte channel a `LibvirtURI` describes, with the client handler installed.
enum Transport {
    static func open(_ uri: LibvirtURI, readOnly: Bool, group: any EventLoopGroup, events: EventRouter)
        async throws(VirtClientError) -> (any Channel, HelperProcess?)
    {
        let bootstrap = ClientBootstrap(group: group).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = ClientChannelHandler(eventLoop: channel.eventLoop) { events.dispatch($0) }
                try channel.pipeline.syncOperations.addHandler(handler)
            }
        }
        do {
            switch uri.transport {
            case .unix:
                let path = uri.localSocketPath(readOnly: readOnly)
                do {
                    return (try await bootstrap.connect(unixDomainSocketPath: path).get(), nil)
                } catch {
                    throw VirtClientError.connectFailed(
                        uri: uri.text, reason: "Failed to connect socket to '\(path)': \(reason(error))")
                }
            case .tcp:
                let host = uri.host ?? "localhost"
                do {
                    return (try await bootstrap.connect(host: host, port: uri.tcpPort).get(), nil)
                } catch {
                    throw VirtClientError.connectFailed(
                        uri: uri.text, reason: "unable to connect to '\(host):\(uri.tcpPort)': \(reason(error))")
                }
            case .tls:
                return (try await openTLS(uri, group: group, events: events), nil)
            case .ssh:
                let helper = try HelperProcess(arguments: SSHCommand.arguments(for: uri, readOnly: readOnly), uri: uri)
                do {
                    return (try await bootstrap.withConnectedSocket(helper.socket).get(), helper)
                } catch {
                    helper.terminate()
                    throw VirtClientError.connectFailed(uri: uri.text, reason: reason(error))
                }
            }
        } catch let error as VirtClientError {
            throw error
        } catch {
            throw .connectFailed(uri: uri.text, reason: reason(error))
        }
    }

    /// TCP, then TLS at once (libvirt's TLS transport has no plaintext prologue), then the server's one-byte
    /// confirmation that it accepted our certificate; only then does the RPC prologue start.
    private static func openTLS(_ uri: LibvirtURI, group: any EventLoopGroup, events: EventRouter)
        async throws(VirtClientError) -> any Channel
    {
        let context: NIOSSLContext
        let verifyPeer = uri.parameter("no_verify") != "1"
        do {
            context = try TLSCredentialPaths.locate(for: uri).makeContext(verifyPeer: verifyPeer)
        } catch {
            throw .tlsFailed(uri: uri.text, reason: error.reason)
        }
        let host = uri.host ?? "localhost"
        // SNI carries names only; for an address NIOSSL checks the certificate against the peer's IP.
        let serverName: String? = isIPAddress(host) ? nil : host
        let loop = group.next()
        let confirmed = loop.makePromise(of: Void.self)
        let bootstrap = ClientBootstrap(group: loop).channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                let client = ClientChannelHandler(eventLoop: channel.eventLoop) { events.dispatch($0) }
                try channel.pipeline.syncOperations.addHandlers([
                    tls, TLSConfirmationHandler(confirmed: confirmed, expectedName: verifyPeer ? serverName : nil),
                    client,
                ])
            }
        }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: uri.tcpPort).get()
        } catch {
            confirmed.fail(error)
            throw .connectFailed(
                uri: uri.text, reason: "unable to connect to '\(host):\(uri.tcpPort)': \(reason(error))")
        }
        do {
            try await confirmed.futureResult.get()
        } catch {
            try? await channel.close()
            throw .tlsFailed(uri: uri.text, reason: (error as? TLSSessionFailure)?.reason ?? reason(error))
        }
        return channel
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    private static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return String(describing: error)
    }
}

/// The `ssh` command line libvirt 9.0 runs for `qemu+ssh://` URIs.
public enum SSHCommand {
    /// argv for the ssh client: `ssh [-p port] [-l user] [-i keyfile] -T -e none -- host sh -c '<script>'`;
    /// `?command=` replaces the `ssh` binary, `?keyfile=`, `?no_verify=1` and `?no_tty=1` map to ssh options.
    public static func arguments(for uri: LibvirtURI, readOnly: Bool) -> [String] {
        var args = [uri.parameter("command") ?? "ssh"]
        if let port = uri.port { args += ["-p", String(port)] }
        if let user = uri.user { args += ["-l", user] }
        if let key = uri.parameter("keyfile") { args += ["-i", key] }
        if uri.parameter("no_verify") == "1" { args += ["-o", "StrictHostKeyChecking=no"] }
        if uri.parameter("no_tty") == "1" { args += ["-o", "BatchMode=yes"] }
        args += [
            "-T", "-e", "none", "--", uri.host ?? "localhost", "sh", "-c",
            shellQuoted(remoteScript(for: uri, readOnly: readOnly)),
        ]
        return args
    }

    /// What the remote shell runs: virt-ssh-helper when the remote host has it (unless the URI names a
    /// socket or netcat, which force netcat), else netcat to the daemon socket, with `-q0` when that netcat
    /// takes it.
    public static func remoteScript(for uri: LibvirtURI, readOnly: Bool) -> String {
        let socket = uri.parameter("socket") ?? "/var/run/libvirt/libvirt-sock" + (readOnly ? "-ro" : "")
        let netcat = uri.parameter("netcat") ?? "nc"
        let viaNetcat =
            "if \(shellQuoted(netcat)) -q 2>&1 | grep 'requires an argument' >/dev/null 2>&1; then ARG=-q0; else ARG=; fi; "
            + "\(shellQuoted(netcat)) $ARG -U \(shellQuoted(socket))"
        if uri.parameter("socket") != nil || uri.parameter("netcat") != nil { return viaNetcat }
        let helper = "virt-ssh-helper" + (readOnly ? " -r" : "") + " " + shellQuoted(uri.remoteName)
        return "if which virt-ssh-helper >/dev/null 2>&1; then \(helper); else \(viaNetcat); fi"
    }

    /// `text` in single quotes for a POSIX shell.
    public static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A helper command (ssh) whose stdin and stdout are one end of a socketpair; the client talks over the other.
final class HelperProcess: Sendable {
    /// The client's end, handed to NIO.
    let socket: Int32
    let pid: Int32

    init(arguments: [String], uri: LibvirtURI) throws(VirtClientError) {
        var fds: [Int32] = [-1, -1]
        #if os(Linux)
            let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
            let kind = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, kind, 0, &fds) == 0 else {
            throw .connectFailed(uri: uri.text, reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        var child: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawnp(&child, arguments[0], &actions, nil, argv, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw .connectFailed(
                uri: uri.text, reason: "cannot run '\(arguments[0])': \(String(cString: strerror(rc)))")
        }
        socket = fds[0]
        pid = child
    }

    /// Ends the helper and reaps it, so no zombie is left behind.
    func terminate() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
