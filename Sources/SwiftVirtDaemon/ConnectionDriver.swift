import SwiftVirtCore

/// What a connection opened (libvirt's connection driver): a hypervisor driver and the domains, networks and
/// storage pools it manages. Routes reach these through the session, never by naming a driver.
final class ConnectionDriver: Sendable {
    let hypervisor: any HypervisorDriver
    let domains: DomainRegistry
    let networks: NetworkRegistry
    let storage: StoragePoolRegistry
    /// What GET_URI answers for a connection opened without a name.
    let defaultURI: String
    /// Run when an on-demand driver is dropped with its last connection.
    let discard: @Sendable () -> Void

    init(
        hypervisor: any HypervisorDriver, domains: DomainRegistry, networks: NetworkRegistry,
        storage: StoragePoolRegistry, defaultURI: String, discard: @escaping @Sendable () -> Void = {}
    ) {
        self.hypervisor = hypervisor
        self.domains = domains
        self.networks = networks
        self.storage = storage
        self.defaultURI = defaultURI
        self.discard = discard
    }

    var scheme: String { hypervisor.scheme }
    var errorDomain: VirtErrorDomain { hypervisor.errorDomain }
}

/// The connection drivers this daemon offers, found by the scheme of the URI a client opens, as libvirt's
/// `virConnectOpen` walks its registered drivers. A driver made on demand (`instances`) lives while connections
/// use it and is dropped with the last one, as libvirt's `test:///default` is.
actor DriverTable {
    /// A driver that exists only while it is used; `make` builds a fresh one.
    struct OnDemand: Sendable {
        var scheme: String
        /// The only path served, e.g. `/default`.
        var path: String
        var make: @Sendable () async throws -> ConnectionDriver
    }

    private let resident: [String: ConnectionDriver]
    private let onDemand: [String: OnDemand]
    private var live: [String: (driver: ConnectionDriver, users: Int)] = [:]
    /// The driver for an empty URI (`qemu`).
    let defaultScheme: String

    init(resident: [ConnectionDriver], onDemand: [OnDemand] = [], defaultScheme: String) {
        self.resident = Dictionary(uniqueKeysWithValues: resident.map { ($0.scheme, $0) })
        self.onDemand = Dictionary(uniqueKeysWithValues: onDemand.map { ($0.scheme, $0) })
        self.defaultScheme = defaultScheme
    }

    /// The resident driver of a scheme (the daemon's own start-up work uses the QEMU driver).
    nonisolated func residentDriver(_ scheme: String) -> ConnectionDriver? { resident[scheme] }

    /// The driver a CONNECT_OPEN name asks for and the URI the connection then reports.
    func open(name: String) async throws -> (driver: ConnectionDriver, uri: String) {
        guard let uri = ParsedURI(name) else {
            throw VirtError(.noConnect, domain: .remote, detail: name)
        }
        let scheme = uri.scheme ?? defaultScheme
        if let driver = resident[scheme] { return (driver, name.isEmpty ? driver.defaultURI : name) }
        guard let maker = onDemand[scheme] else {
            throw VirtError(.noConnect, domain: .remote, detail: name)
        }
        guard uri.host.isEmpty, uri.path == maker.path else {
            throw VirtError(
                .noConnect, domain: .remote, detail: "\(name): swiftvirtd serves only \(scheme)://\(maker.path)")
        }
        if var entry = live[scheme] {
            entry.users += 1
            live[scheme] = entry
            return (entry.driver, name)
        }
        let driver = try await maker.make()
        // Another open may have made one while this one was being made: keep the first.
        if var entry = live[scheme] {
            entry.users += 1
            live[scheme] = entry
            return (entry.driver, name)
        }
        live[scheme] = (driver, 1)
        return (driver, name)
    }

    /// A connection that opened `driver` is gone.
    func close(_ driver: ConnectionDriver) {
        let scheme = driver.scheme
        guard var entry = live[scheme], entry.driver === driver else { return }
        entry.users -= 1
        if entry.users > 0 {
            live[scheme] = entry
        } else {
            live[scheme] = nil
            driver.discard()
        }
    }

    /// `scheme:[//host]/path[?query]` as libvirt reads a connection name; the client has already removed the
    /// transport (`qemu+unix` → `qemu`), but a name that still carries one is read the same way.
    struct ParsedURI {
        var scheme: String?
        var host: String
        var path: String

        init?(_ name: String) {
            guard !name.isEmpty else {
                (scheme, host, path) = (nil, "", "")
                return
            }
            guard let colon = name.firstIndex(of: ":") else { return nil }
            var schemePart = name[..<colon]
            if let plus = schemePart.firstIndex(of: "+") { schemePart = schemePart[..<plus] }
            scheme = String(schemePart)
            var rest = name[name.index(after: colon)...]
            if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
            if rest.hasPrefix("//") {
                rest = rest.dropFirst(2)
                let slash = rest.firstIndex(of: "/") ?? rest.endIndex
                host = String(rest[..<slash])
                rest = rest[slash...]
            } else {
                host = ""
            }
            path = String(rest)
        }
    }
}
