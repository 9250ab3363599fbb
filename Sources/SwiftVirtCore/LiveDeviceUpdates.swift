/// update-device on a running guest for what changes in place (libvirt's qemuDomainChangeNet link state and
/// qemuDomainChangeGraphics passwords); the daemon checks the change and keeps the live definition.
public protocol LiveDeviceUpdates: RunningDomain {
    /// Sets the virtual link of the NIC `alias` up or down.
    func setLink(alias: String, up: Bool) async throws
    /// Gives the display server `graphics` its new password, expiry and connected-clients policy.
    func changeGraphicsPassword(_ graphics: Graphics) async throws
}
