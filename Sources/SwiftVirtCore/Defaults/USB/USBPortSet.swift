/// The USB ports of a guest: per controller index a tree of ports, hubs hanging off ports (libvirt's
/// virDomainUSBAddressSet). Ports are numbered from 1; a path such as 1.2 is port 2 of the hub on port 1.
struct USBPortSet: Sendable {
    /// Ports of a hub or root hub; the hubs plugged into them.
    struct Hub: Sendable {
        var taken: [Bool]
        var hubs: [Hub?]
        init(ports: Int) {
            taken = Array(repeating: false, count: ports)
            hubs = Array(repeating: nil, count: ports)
        }
    }

    /// Ports of a `<hub type='usb'>`.
    static let hubPorts = 8
    /// Hubs may be chained this deep below a controller's root hub.
    static let maxDepth = 4

    private(set) var buses: [Int: Hub] = [:]

    /// The root hubs of `controllers`' USB ones (virDomainUSBAddressSetAddControllers).
    init(controllers: [Controller]) throws(USBPortError) {
        for c in controllers where c.type == .usb {
            let ports = Self.ports(of: c)
            guard ports > 0 else { continue }  // UHCI companions: their ports are the EHCI's
            guard buses[c.index] == nil else { throw .config("Duplicate USB controllers with index \(c.index)") }
            buses[c.index] = Hub(ports: ports)
        }
    }

    /// How many ports a controller gives (virDomainUSBAddressControllerModelToPorts).
    static func ports(of c: Controller) -> Int {
        switch c.model {
        case nil, .piix3UHCI?, .piix4UHCI?, .vt82c686bUHCI?: return 2
        case .ehci?, .ich9EHCI1?: return 6
        case .pciOHCI?: return 3
        case .necXHCI?, .qemuXHCI?: return c.ports ?? 4
        case .qusb1?, .qusb2?: return c.ports ?? 8
        default: return 0
        }
    }

    /// Takes the port a device's address names (virDomainUSBAddressReserve).
    mutating func reserve(bus: Int, path: [Int]) throws(USBPortError) {
        try withPort(bus: bus, path: path) { hub, index throws(USBPortError) in
            guard !hub.taken[index] else {
                throw .config("Duplicate USB address bus \(bus) port \(Self.format(path))")
            }
            hub.taken[index] = true
        }
    }

    /// Plugs a hub into the port at `path`, taking it (virDomainUSBAddressSetAddHub).
    mutating func addHub(bus: Int, path: [Int]) throws(USBPortError) {
        try withPort(bus: bus, path: path) { hub, index throws(USBPortError) in
            guard hub.hubs[index] == nil else {
                throw .config("Duplicate USB hub on bus \(bus) port \(Self.format(path))")
            }
            hub.taken[index] = true
            hub.hubs[index] = Hub(ports: Self.hubPorts)
        }
    }

    /// A free port, taken: on controller `bus` if given, else on the lowest controller index with one. Within a
    /// controller, its own ports first, then those of its hubs in port order, depth first (virDomainUSBAddressAssign).
    mutating func assign(bus wanted: Int?) throws(USBPortError) -> (bus: Int, path: [Int]) {
        if let wanted, buses[wanted] == nil {
            throw .config("USB bus \(wanted) requested but no controller with that index is present")
        }
        for (bus, hub) in buses.sorted(by: { $0.key < $1.key }) where wanted == nil || wanted == bus {
            if let path = Self.freePort(in: hub, level: 0) {
                try reserve(bus: bus, path: path)
                return (bus, path)
            }
        }
        throw .internal("No free USB ports")
    }

    private static func freePort(in hub: Hub, level: Int) -> [Int]? {
        if let i = hub.taken.firstIndex(of: false) { return [i + 1] }
        guard level < maxDepth - 1 else { return nil }
        for (i, child) in hub.hubs.enumerated() {
            if let child, let rest = freePort(in: child, level: level + 1) { return [i + 1] + rest }
        }
        return nil
    }

    /// Calls `body` with the hub that holds the last port of `path` and that port's index
    /// (virDomainUSBAddressFindPort), checking every step on the way.
    private mutating func withPort(
        bus: Int, path: [Int], _ body: (inout Hub, Int) throws(USBPortError) -> Void
    ) throws(USBPortError) {
        guard var root = buses[bus] else { throw .config("Missing USB bus \(bus)") }
        try Self.walk(&root, bus: bus, path: path, step: 0, body)
        buses[bus] = root
    }

    private static func walk(
        _ hub: inout Hub, bus: Int, path: [Int], step: Int, _ body: (inout Hub, Int) throws(USBPortError) -> Void
    ) throws(USBPortError) {
        let port = path[step]
        if step == path.count - 1 {
            guard port - 1 < hub.taken.count else {
                throw .config("requested USB port \(format(path)) not present on USB bus \(bus)")
            }
            try body(&hub, port - 1)
            return
        }
        guard port - 1 < hub.hubs.count else {
            throw .config("port \(port) out of range in USB address bus: \(bus) port: \(format(path))")
        }
        guard var child = hub.hubs[port - 1] else {
            throw .config("there is no hub at port \(port) in USB address bus: \(bus) port: \(format(path))")
        }
        try walk(&child, bus: bus, path: path, step: step + 1, body)
        hub.hubs[port - 1] = child
    }

    static func format(_ path: [Int]) -> String { path.map(String.init).joined(separator: ".") }
}

/// Why a USB port could not be given, in libvirt's words: `config` when the definition asked for it (XML
/// error), `internal` when none is left.
enum USBPortError: Error, Equatable {
    case config(String)
    case `internal`(String)

    func domainError(element: String, line: Int?) -> DomainXMLError {
        switch self {
        case .config(let m): return .addressRefused(config: true, m, element: element, line: line)
        case .internal(let m): return .addressRefused(config: false, m, element: element, line: line)
        }
    }
}
