import SwiftVirtClient
import Testing

@Suite("libvirt URIs as the remote driver parses them")
struct LibvirtURITests {
    @Test func unixSocketParameterIsStrippedFromTheOpenName() throws {
        let uri = try LibvirtURI("qemu+unix:///system?socket=/tmp/x/libvirt-sock")
        #expect(uri.transport == .unix)
        #expect(uri.remoteName == "qemu:///system")
        #expect(uri.localSocketPath(readOnly: false) == "/tmp/x/libvirt-sock")
    }

    @Test func otherParametersTravelToTheServer() throws {
        let uri = try LibvirtURI("qemu+unix:///system?socket=/s&foo=bar")
        #expect(uri.remoteName == "qemu:///system?foo=bar")
    }

    @Test func plainSystemURIUsesTheMonolithicSocketUnlessModularExists() throws {
        let uri = try LibvirtURI("qemu:///system")
        #expect(uri.transport == .unix)
        let path = uri.localSocketPath(readOnly: true)
        #expect(path == "/run/libvirt/libvirt-sock-ro" || path == "/run/libvirt/virtqemud-sock-ro")
    }

    @Test func tcpAndTLSDefaultPorts() throws {
        let tcp = try LibvirtURI("qemu+tcp://host.example/system")
        #expect(tcp.transport == .tcp && tcp.host == "host.example" && tcp.tcpPort == 16509)
        let tls = try LibvirtURI("qemu://host.example:9999/system")
        #expect(tls.transport == .tls && tls.tcpPort == 9999)
        let v6 = try LibvirtURI("qemu+tcp://[::1]:1234/system")
        #expect(v6.host == "::1" && v6.port == 1234)
    }

    @Test func sshCommandLineLikeLibvirt() throws {
        let uri = try LibvirtURI("qemu+ssh://alice@host:2222/system?keyfile=/k")
        let args = SSHCommand.arguments(for: uri, readOnly: false)
        #expect(Array(args.prefix(7)) == ["ssh", "-p", "2222", "-l", "alice", "-i", "/k"])
        #expect(Array(args[7..<14]) == ["-T", "-e", "none", "--", "host", "sh", "-c"])
        let script = SSHCommand.remoteScript(for: uri, readOnly: true)
        #expect(script.contains("virt-ssh-helper -r 'qemu:///system'"))
        #expect(script.contains("-U '/var/run/libvirt/libvirt-sock-ro'"))
    }

    @Test func socketParameterForcesNetcat() throws {
        let uri = try LibvirtURI("qemu+ssh://host/system?socket=/run/swiftvirt/libvirt-sock")
        let script = SSHCommand.remoteScript(for: uri, readOnly: false)
        #expect(!script.contains("virt-ssh-helper"))
        #expect(script.contains("-U '/run/swiftvirt/libvirt-sock'"))
    }

    @Test func badURIsAreTypedErrors() {
        for text in ["qemu", "qemu+carrier://h/system", "qemu+tcp:///system", "qemu+tcp://h:99999/system"] {
            #expect(throws: VirtClientError.self, "\(text)") { try LibvirtURI(text) }
        }
    }
}
