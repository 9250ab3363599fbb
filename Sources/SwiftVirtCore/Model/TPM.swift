/// `<tpm>`: a TPM in the guest, backed by a software emulator (swtpm) or the host's own TPM.
public struct TPMDevice: Sendable, Equatable {
    public enum Model: String, Sendable, Equatable, CaseIterable {
        case tis = "tpm-tis"
        case crb = "tpm-crb"
        case spapr = "tpm-spapr"
        case spaprProxy = "spapr-tpm-proxy"
    }
    public enum Version: String, Sendable, Equatable, CaseIterable {
        case v1_2 = "1.2"
        case v2_0 = "2.0"
    }
    /// `<active_pcr_banks>` children, in libvirt's order.
    public enum PCRBank: String, Sendable, Equatable, CaseIterable { case sha1, sha256, sha384, sha512 }
    public enum Backend: Sendable, Equatable {
        /// swtpm, run by the driver. `persistentState`: its state survives undefine unless asked otherwise.
        case emulator(version: Version?, persistentState: Bool, activePCRBanks: [PCRBank]?)
        /// The host's TPM character device.
        case passthrough(devicePath: String)
    }
    /// nil until the driver's defaults pick one (libvirt: tpm-tis on x86).
    public var model: Model?
    public var backend: Backend
    public var address: DeviceAddress?
    public var alias: String?
    public var sourceLine = SourceLine()
    public init(model: Model? = nil, backend: Backend) {
        self.model = model
        self.backend = backend
    }

    /// The emulator's TPM version, nil for passthrough.
    public var emulatorVersion: Version? {
        if case .emulator(let version, _, _) = backend { return version }
        return nil
    }
}
