import SwiftVirtClient
import SwiftVirtCore

/// One error line and, where a next step is obvious, one hint line.
struct ErrorReport {
    var message: String
    var hint: String?

    init(message: String, hint: String?) {
        self.message = message
        self.hint = hint
    }

    init(_ error: VirtClientError) {
        message = error.description
        hint = Self.hint(for: error)
    }

    static func hint(for error: VirtClientError) -> String? {
        switch error {
        case .invalidURI:
            return "URIs look like qemu:///system, qemu+unix:///system?socket=PATH, qemu+tcp://HOST/system "
                + "or qemu+ssh://USER@HOST/system"
        case .connectFailed, .connectionClosed:
            return "is the daemon running? Name it with -c URI (or a socket path) or set LIBVIRT_DEFAULT_URI"
        case .tlsFailed:
            return "check the CA and client certificates (?pkipath=DIR, else libvirt's default paths); "
                + "?no_verify=1 skips checking the server's certificate"
        case .unsupportedAuth:
            return "configure the daemon for auth 'none' or 'polkit' on this socket, or use qemu+ssh://"
        case .protocolViolation:
            return "the peer does not speak libvirt's protocol; check the URI's socket or port"
        case .unsupported: return nil
        case .remote(let remote):
            switch remote.knownCode {
            case .noDomain?: return "'swiftvirt list --all' shows the domains this daemon knows"
            case .operationInvalid?: return "'swiftvirt domstate DOMAIN' shows the domain's current state"
            case .domainExists?: return "use 'swiftvirt edit DOMAIN' to change an existing domain"
            case .xmlError?, .xmlDetail?, .configUnsupported?:
                return "'swiftvirt domcapabilities' lists what this host supports"
            case .operationDenied?, .accessDenied?, .authFailed?:
                return "the connection may be read-only (-r) or lack permission; try as root without -r"
            case .noSupport?, .rpc?, .operationUnsupported?:
                return "this daemon does not implement the operation"
            default: return nil
            }
        }
    }
}
