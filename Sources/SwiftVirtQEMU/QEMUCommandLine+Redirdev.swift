import SwiftVirtCore

/// `<redirdev bus='usb'>`: a character device and a `usb-redir` on the guest's USB bus (qemuBuildRedirdevCommandLine).
extension ArgumentBuilder {
    mutating func addRedirdevs() throws {
        for (i, redir) in def.devices.redirdevs.enumerated() {
            let alias = redir.alias ?? "redir\(i)"
            let what = "<redirdev bus='usb' type='\(redir.backend.type.rawValue)'>"
            try requireDevice("usb-redir", what)
            add(
                "-chardev",
                try chardevBackend(redir.backend, id: "char\(alias)", what: what, defaultUnixPath: nil, spicevmc: "usbredir"))
            var device = "usb-redir,chardev=char\(alias),id=\(alias)"
            if let boot = redir.bootOrder { device += ",bootindex=\(boot)" }
            add("-device", device + (try usbPlacement(redir.address, what: what)))
        }
    }
}
