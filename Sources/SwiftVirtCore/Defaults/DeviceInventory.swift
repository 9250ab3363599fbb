/// One device seen uniformly, for checks that span every kind (addresses, aliases).
struct DeviceRef {
    let element: String
    let alias: String?
    let address: DeviceAddress?
    let line: Int?
}

enum DeviceInventory {
    static func all(_ d: DomainDevices) -> [DeviceRef] {
        var out: [DeviceRef] = []
        func add(_ e: String, _ alias: String?, _ addr: DeviceAddress?, _ line: SourceLine) {
            out.append(DeviceRef(element: "devices/" + e, alias: alias, address: addr, line: line.line))
        }
        d.disks.forEach { add("disk", $0.alias, $0.address, $0.sourceLine) }
        d.controllers.forEach { add("controller", $0.alias, $0.address, $0.sourceLine) }
        d.interfaces.forEach { add("interface", $0.alias, $0.address, $0.sourceLine) }
        d.serials.forEach { add("serial", $0.alias, $0.address, $0.sourceLine) }
        d.consoles.forEach { add("console", $0.alias, $0.address, $0.sourceLine) }
        d.channels.forEach { add("channel", $0.alias, $0.address, $0.sourceLine) }
        d.inputs.forEach { add("input", $0.alias, $0.address, $0.sourceLine) }
        d.sounds.forEach { add("sound", $0.alias, $0.address, $0.sourceLine) }
        d.videos.forEach { add("video", $0.alias, $0.address, $0.sourceLine) }
        d.redirdevs.forEach { add("redirdev", $0.alias, $0.address, $0.sourceLine) }
        d.hubs.forEach { add("hub", $0.alias, $0.address, $0.sourceLine) }
        d.watchdog.map { add("watchdog", $0.alias, $0.address, $0.sourceLine) }
        d.memballoon.map { add("memballoon", $0.alias, $0.address, $0.sourceLine) }
        d.rngs.forEach { add("rng", $0.alias, $0.address, $0.sourceLine) }
        d.panics.forEach { add("panic", $0.alias, $0.address, $0.sourceLine) }
        return out
    }
}
