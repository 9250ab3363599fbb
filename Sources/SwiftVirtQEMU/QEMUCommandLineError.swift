import SwiftVirtCore

/// Why a definition cannot become a QEMU command line.
public enum QEMUCommandLineError: Error, Sendable, Equatable, LibvirtMappable, CustomStringConvertible {
    /// `<domain type='kvm'>` on a host whose KVM the accelerator probe rejected.
    case kvmNotUsable(verdict: String, reason: String)
    /// A schema-valid element this driver cannot honour; `what` names it.
    case unsupported(String)
    /// A definition the builder cannot make sense of (e.g. a PCI bus with no controller).
    case invalid(String)

    public var description: String {
        switch self {
        case .kvmNotUsable(let verdict, let reason):
            return "domain type 'kvm' is not available on this host: KVM is \(verdict) (\(reason)); use type='qemu'"
        case .unsupported(let what): return what
        case .invalid(let what): return what
        }
    }

    public var virtError: VirtError {
        switch self {
        case .kvmNotUsable, .unsupported: return VirtError(.configUnsupported, domain: .qemu, detail: description)
        case .invalid: return VirtError(.xmlError, domain: .qemu, detail: description)
        }
    }
}
