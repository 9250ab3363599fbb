import Foundation

/// A throwaway X.509 setup made with openssl for the TLS tests: a CA, a server certificate for
/// 127.0.0.1 and the DNS name tls-server.invalid (so `localhost` is a name mismatch, as libvirt matches
/// names against DNS entries only) and a client certificate, with the key usages libvirt's own sanity checks demand
/// (CA: CA:TRUE + keyCertSign; server: serverAuth; client: clientAuth).
/// `clientDir` is laid out as libvirt's `?pkipath=` expects (cacert.pem, clientcert.pem, clientkey.pem);
/// `otherCADir` has the same client files but trusts an unrelated CA, for the failure cases.
struct TestPKI {
    let root: URL
    var clientDir: String { root.path + "/client" }
    var otherCADir: String { root.path + "/client-other-ca" }
    /// Trusts the right CA but presents a client certificate the unrelated CA signed: the server refuses it.
    var untrustedClientDir: String { root.path + "/client-untrusted" }
    var caCert: String { root.path + "/ca/cacert.pem" }
    var serverCert: String { root.path + "/server/servercert.pem" }
    var serverKey: String { root.path + "/server/serverkey.pem" }

    static func make(in root: URL, scratch: URL) async throws -> TestPKI {
        let pki = TestPKI(root: root)
        for dir in ["ca", "other-ca", "server", "client", "client-other-ca", "client-untrusted"] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        let ca = root.path + "/ca"
        try await pki.makeCA(at: ca, name: "SwiftVirt Test CA", scratch: scratch)
        try await pki.makeCA(at: root.path + "/other-ca", name: "Unrelated CA", scratch: scratch)
        try await pki.issue(
            key: pki.serverKey, cert: pki.serverCert, subject: "/O=SwiftVirt/CN=tls-server.invalid", ca: ca,
            extensions: "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:tls-server.invalid,IP:127.0.0.1",
            scratch: scratch)
        let client = pki.clientDir
        try await pki.issue(
            key: client + "/clientkey.pem", cert: client + "/clientcert.pem",
            subject: "/O=SwiftVirt/CN=swiftvirt-test-client", ca: ca, extensions: "extendedKeyUsage=clientAuth",
            scratch: scratch)
        try FileManager.default.copyItem(atPath: pki.caCert, toPath: client + "/cacert.pem")
        for file in ["clientkey.pem", "clientcert.pem"] {
            try FileManager.default.copyItem(atPath: client + "/" + file, toPath: pki.otherCADir + "/" + file)
        }
        try FileManager.default.copyItem(
            atPath: root.path + "/other-ca/cacert.pem", toPath: pki.otherCADir + "/cacert.pem")
        let untrusted = pki.untrustedClientDir
        try await pki.issue(
            key: untrusted + "/clientkey.pem", cert: untrusted + "/clientcert.pem",
            subject: "/O=SwiftVirt/CN=stranger", ca: root.path + "/other-ca", extensions: "extendedKeyUsage=clientAuth",
            scratch: scratch)
        try FileManager.default.copyItem(atPath: pki.caCert, toPath: untrusted + "/cacert.pem")
        return pki
    }

    private func makeCA(at dir: String, name: String, scratch: URL) async throws {
        try await openssl(
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/cakey.pem", "-out",
                dir + "/cacert.pem", "-days", "3", "-subj", "/O=SwiftVirt/CN=\(name)",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ], scratch: scratch)
    }

    private func issue(key: String, cert: String, subject: String, ca: String, extensions: String, scratch: URL)
        async throws
    {
        let request = cert + ".csr"
        let extFile = cert + ".ext"
        try "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n\(extensions)\n"
            .write(toFile: extFile, atomically: true, encoding: .utf8)
        try await openssl(
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", request, "-subj", subject],
            scratch: scratch)
        try await openssl(
            [
                "x509", "-req", "-in", request, "-CA", ca + "/cacert.pem", "-CAkey", ca + "/cakey.pem",
                "-CAcreateserial", "-out", cert, "-days", "3", "-extfile", extFile,
            ], scratch: scratch)
    }

    private func openssl(_ arguments: [String], scratch: URL) async throws {
        let result = try await run("/usr/bin/openssl", arguments, scratch: scratch)
        guard result.succeeded else { throw HarnessError("openssl failed: \(result)") }
    }
}
