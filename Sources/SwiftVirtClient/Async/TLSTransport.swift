import NIOCore
import NIOSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The X.509 files a `qemu+tls://` client uses, found where libvirt's client looks for them:
/// `?pkipath=DIR` (cacert.pem, clientcert.pem, clientkey.pem in DIR, whether or not they exist), else for a
/// non-root user `$HOME/.pki/libvirt/` (the CA alone, and the certificate and key as a pair, each only when
/// present there), else the system paths under /etc/pki.
public struct TLSCredentialPaths: Sendable, Equatable {
    public var caCertificate: String
    public var clientCertificate: String
    public var clientKey: String

    public static let systemCACertificate = "/etc/pki/CA/cacert.pem"
    public static let systemClientCertificate = "/etc/pki/libvirt/clientcert.pem"
    public static let systemClientKey = "/etc/pki/libvirt/private/clientkey.pem"

    public init(caCertificate: String, clientCertificate: String, clientKey: String) {
        self.caCertificate = caCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The files for `uri`; `home` and `isRoot` default to the running process's.
    public static func locate(for uri: LibvirtURI, home: String? = nil, isRoot: Bool = geteuid() == 0)
        -> TLSCredentialPaths
    {
        if let dir = uri.parameter("pkipath") {
            return TLSCredentialPaths(
                caCertificate: dir + "/cacert.pem", clientCertificate: dir + "/clientcert.pem",
                clientKey: dir + "/clientkey.pem")
        }
        var paths = TLSCredentialPaths(
            caCertificate: systemCACertificate, clientCertificate: systemClientCertificate,
            clientKey: systemClientKey)
        let homeDir = home ?? getenv("HOME").map { String(cString: $0) }
        guard !isRoot, let homeDir else { return paths }
        let user = homeDir + "/.pki/libvirt"
        if exists(user + "/cacert.pem") { paths.caCertificate = user + "/cacert.pem" }
        // The certificate and its key go together: both from the user's directory or neither.
        if exists(user + "/clientcert.pem"), exists(user + "/clientkey.pem") {
            paths.clientCertificate = user + "/clientcert.pem"
            paths.clientKey = user + "/clientkey.pem"
        }
        return paths
    }

    private static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// A TLS context trusting the CA file and presenting the client certificate. With `verifyPeer` false
    /// (the URI's `no_verify=1`) the server's certificate and name are not checked, as libvirt does.
    /// - Throws: `TLSSessionFailure` naming the file that cannot be read or parsed.
    func makeContext(verifyPeer: Bool) throws(TLSSessionFailure) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            configuration.trustRoots = .certificates(
                try load("CA certificate", caCertificate) {
                    try NIOSSLCertificate.fromPEMFile($0)
                })
            configuration.certificateChain = try load("client certificate", clientCertificate) {
                try NIOSSLCertificate.fromPEMFile($0)
            }.map { .certificate($0) }
            configuration.privateKey = .privateKey(
                try load("client key", clientKey) { try NIOSSLPrivateKey(file: $0, format: .pem) })
            configuration.certificateVerification = verifyPeer ? .fullVerification : .none
            return try NIOSSLContext(configuration: configuration)
        } catch let error as TLSSessionFailure {
            throw error
        } catch {
            throw TLSSessionFailure(reason: "cannot set up TLS: \(TLSConfirmationHandler.describe(error))")
        }
    }

    private func load<T>(_ what: String, _ path: String, _ read: (String) throws -> T) throws(TLSSessionFailure) -> T {
        guard access(path, R_OK) == 0 else {
            throw TLSSessionFailure(reason: "Cannot read \(what) '\(path)': \(String(cString: strerror(errno)))")
        }
        do {
            return try read(path)
        } catch {
            throw TLSSessionFailure(reason: "Cannot load \(what) '\(path)': \(TLSConfirmationHandler.describe(error))")
        }
    }
}

/// Why a TLS session never reached the RPC stage.
struct TLSSessionFailure: Error, Equatable {
    let reason: String
}

/// Waits for the one byte a libvirt server sends after the TLS handshake once it has accepted the client's
/// certificate and address (1 = accepted), then passes every later byte on untouched. A server that refuses
/// the client closes the connection instead of sending it.
final class TLSConfirmationHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Completes with success on the server's 1 byte, else fails with why the session never started.
    let confirmed: EventLoopPromise<Void>
    /// The host name the server's certificate must carry as a DNS name (nil: an address, or no_verify).
    let expectedName: String?
    private var waiting = true

    init(confirmed: EventLoopPromise<Void>, expectedName: String?) {
        self.confirmed = confirmed
        self.expectedName = expectedName
    }

    static let refusedReason = "server verification (of our certificate or IP address) failed"

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if waiting, let byte = buffer.readInteger(as: UInt8.self) {
            waiting = false
            guard byte == 1 else {
                confirmed.fail(TLSSessionFailure(reason: Self.refusedReason))
                context.close(promise: nil)
                return
            }
            if let expectedName, !certificateNames(expectedName, context: context) {
                confirmed.fail(
                    TLSSessionFailure(reason: "Certificate's owner does not match the hostname (\(expectedName))"))
                context.close(promise: nil)
                return
            }
            confirmed.succeed()
        }
        if buffer.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffer)) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if waiting {
            waiting = false
            // A server refusing our certificate just drops the connection (no close_notify).
            let reason =
                (error as? NIOSSLError) == .uncleanShutdown
                ? Self.refusedReason : "TLS handshake failed: \(Self.describe(error))"
            confirmed.fail(TLSSessionFailure(reason: reason))
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if waiting {
            waiting = false
            confirmed.fail(TLSSessionFailure(reason: Self.refusedReason))
        }
        context.fireChannelInactive()
    }

    /// NIOSSL also accepts a certificate whose IP address entry matches the peer's address whatever name was
    /// asked for; libvirt (gnutls) matches a host name against the DNS entries only. So when the certificate has
    /// alternative names, one DNS entry must match `name` (a leading `*.` covers one label). A certificate
    /// without them was already checked by its common name.
    private func certificateNames(_ name: String, context: ChannelHandlerContext) -> Bool {
        guard let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self),
            let leaf = handler.peerCertificate
        else { return false }
        let entries = leaf._subjectAlternativeNames()
        guard entries.count > 0 else { return true }
        let host = name.lowercased().hasSuffix(".") ? String(name.lowercased().dropLast()) : name.lowercased()
        for entry in entries where entry.nameType == .dnsName {
            let pattern = String(decoding: Array(entry.contents), as: UTF8.self).lowercased()
            if pattern == host { return true }
            if pattern.hasPrefix("*."), let dot = host.firstIndex(of: "."), host[dot...] == pattern.dropFirst() {
                return true
            }
        }
        return false
    }

    /// BoringSSL's reason codes (e.g. CERTIFICATE_VERIFY_FAILED) rather than Swift's enum dump, which also
    /// carries error numbers and BoringSSL source paths.
    static func describe(_ error: any Error) -> String {
        var reasons: [String] = []
        let errors: [BoringSSLInternalError]
        switch error {
        case NIOSSLError.handshakeFailed(.sslError(let list)): errors = list
        case BoringSSLError.sslError(let list): errors = list
        default: return "\(error)"
        }
        for item in errors {
            // "Error: N error:HEX:LIB:FUNC:REASON at FILE:LINE" → REASON
            let text = "\(item)".components(separatedBy: " at ").first ?? "\(item)"
            reasons.append(String(text.split(separator: ":").last ?? Substring(text)))
        }
        return reasons.isEmpty ? "\(error)" : reasons.joined(separator: ", ")
    }
}
