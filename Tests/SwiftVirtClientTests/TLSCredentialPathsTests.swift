import Foundation
import SwiftVirtClient
import Testing

@Suite("Where a qemu+tls client finds its certificates (libvirt's rules)")
struct TLSCredentialPathsTests {
    @Test func pkipathNamesAllThreeFilesWhetherOrNotTheyExist() throws {
        let paths = TLSCredentialPaths.locate(for: try LibvirtURI("qemu+tls://h/system?pkipath=/nowhere/pki"))
        #expect(paths.caCertificate == "/nowhere/pki/cacert.pem")
        #expect(paths.clientCertificate == "/nowhere/pki/clientcert.pem")
        #expect(paths.clientKey == "/nowhere/pki/clientkey.pem")
    }

    @Test func rootUsesTheSystemPaths() throws {
        let paths = TLSCredentialPaths.locate(for: try LibvirtURI("qemu+tls://h/system"), home: "/root", isRoot: true)
        #expect(paths.caCertificate == "/etc/pki/CA/cacert.pem")
        #expect(paths.clientCertificate == "/etc/pki/libvirt/clientcert.pem")
        #expect(paths.clientKey == "/etc/pki/libvirt/private/clientkey.pem")
    }

    /// A user's ~/.pki/libvirt wins file by file for the CA, and only as a pair for certificate and key.
    @Test func userDirectoryIsUsedForTheFilesItHas() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent(
            "svt-home-\(UUID().uuidString.prefix(6))")
        let dir = home.appendingPathComponent(".pki/libvirt")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let uri = try LibvirtURI("qemu+tls://h/system")
        FileManager.default.createFile(atPath: dir.path + "/cacert.pem", contents: Data())
        FileManager.default.createFile(atPath: dir.path + "/clientcert.pem", contents: Data())
        var paths = TLSCredentialPaths.locate(for: uri, home: home.path, isRoot: false)
        #expect(paths.caCertificate == dir.path + "/cacert.pem")
        #expect(paths.clientCertificate == "/etc/pki/libvirt/clientcert.pem", "a certificate without its key")
        FileManager.default.createFile(atPath: dir.path + "/clientkey.pem", contents: Data())
        paths = TLSCredentialPaths.locate(for: uri, home: home.path, isRoot: false)
        #expect(paths.clientCertificate == dir.path + "/clientcert.pem")
        #expect(paths.clientKey == dir.path + "/clientkey.pem")
    }

    @Test func missingFilesAreNamedBeforeAnyConnection() async throws {
        let uri = try LibvirtURI("qemu+tls://127.0.0.1:1/system?pkipath=/nowhere/pki")
        do {
            _ = try await VirtConnection.connect(to: uri, keepalive: nil)
            Issue.record("connected without certificates")
        } catch {
            #expect("\(error)".contains("Cannot read CA certificate '/nowhere/pki/cacert.pem'"), "\(error)")
        }
    }
}
