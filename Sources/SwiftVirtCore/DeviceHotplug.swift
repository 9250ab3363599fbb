/// A running domain's devices changed while it runs (virDomainAttachDeviceFlags and friends with
/// VIR_DOMAIN_AFFECT_LIVE). The daemon works out the new live definition; the driver makes the guest match it.
public protocol DeviceHotplug: RunningDomain {
    /// Plugs the disk with target `target` of `definition` (the live definition with the disk added) into the
    /// guest.
    func attachDisk(target: String, of definition: DomainDefinition) async throws
    /// Plugs the interface `alias` of `definition` (the live definition with it added, its host device made
    /// and named in `<target dev>`) into the guest.
    func attachInterface(alias: String, of definition: DomainDefinition) async throws
    /// Plugs the device `alias` of `definition` (the live definition with it added: a SCSI controller, an input,
    /// an RNG, a watchdog or a USB redirector) into the guest, as a start would have created it.
    func attachDevice(alias: String, of definition: DomainDefinition) async throws
    /// Asks the guest to let go of the device `alias` (a disk, an interface or one `attachDevice` plugs) and waits a while for it to do
    /// so: true when it is gone, false when the request is still pending. Either way the removal is reported
    /// through the observer's `domainDeviceRemoved` when the guest complies.
    func detachDevice(alias: String) async throws -> Bool
    /// Changes the medium of a removable drive (cdrom, floppy) to the source of the disk `target` of
    /// `definition`, or ejects it when that disk has no source.
    func changeMedia(target: String, of definition: DomainDefinition) async throws
    /// Grows (or shrinks) the image behind the disk `alias` to `bytes` (virDomainBlockResize).
    func resizeDisk(alias: String, bytes: UInt64) async throws
}

/// libvirt's DEVICE_REMOVED event: a device detached from the running guest is gone.
extension DomainObserver {
    public func domainDeviceRemoved(_ uuid: DomainUUID, alias: String) async {}
}
