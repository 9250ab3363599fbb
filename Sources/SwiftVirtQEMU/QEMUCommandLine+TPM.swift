import SwiftVirtCore

/// `<tpm>` on the command line, as libvirt 9.0 puts it (after the consoles): swtpm's control socket as chardev
/// `chrtpm` and `-tpmdev emulator`, or `-tpmdev passthrough` of the host device (QEMU finds its cancel file in
/// sysfs, as libvirt does for it), then the front end, `tpm-tis` or `tpm-crb`.
extension ArgumentBuilder {
    mutating func addTPMs() throws {
        for tpm in def.devices.tpms {
            let alias = tpm.alias ?? "tpm0"
            switch tpm.backend {
            case .emulator:
                guard let socket = ctx.swtpmSocketPath else {
                    throw QEMUCommandLineError.invalid("<devices/tpm>: no socket for the TPM emulator")
                }
                add("-chardev", "socket,id=chrtpm,path=\(qemuEscaped(socket))")
                add("-tpmdev", "emulator,id=tpm-\(alias),chardev=chrtpm")
            case .passthrough(let device):
                add("-tpmdev", "passthrough,id=tpm-\(alias),path=\(qemuEscaped(device))")
            }
            let model = tpm.model ?? .tis
            guard model == .tis || model == .crb else {
                throw QEMUCommandLineError.unsupported("<tpm model='\(model.rawValue)'> on x86_64")
            }
            add("-device", "\(model.rawValue),tpmdev=tpm-\(alias),id=\(alias)")
        }
    }
}
