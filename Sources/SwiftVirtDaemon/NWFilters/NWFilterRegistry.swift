import Logging
import SwiftVirtCore
import SwiftVirtSystem

/// The nwfilter driver: filter definitions and the bindings that apply them to guests' ports, shared by every
/// connection as libvirt's nwfilter driver is. Changes take `changes`, so they happen one at a time across the
/// file writes and nft runs; lookups do not wait for it.
actor NWFilterRegistry {
    private var filters: [String: NWFilterDefinition] = [:]
    private var bindings: [String: NWFilterBinding] = [:]
    private let store: NWFilterStore
    /// nil: rules are not put into the kernel (the daemon's unit tests).
    private let firewall: NWFilterFirewall?
    private let logger: Logger
    private let changes = AsyncJobLock()
    /// The IPv4 address learned for a port whose filter uses `$IP` without a value, and the tasks still learning.
    private var learnedAddresses: [String: String] = [:]
    private var learners: [String: Task<Void, Never>] = [:]
    /// Watches that the host firewall still has the tables (see `watchFirewall`).
    private var firewallWatch: Task<Void, Never>?

    init(store: NWFilterStore, firewall: NWFilterFirewall?, logger: Logger) {
        self.store = store
        self.firewall = firewall
        self.logger = logger
    }

    /// Reads the filters (at first start the host's stock filters, saved as ours) and the bindings of the ports
    /// still there, whose rules are put in again.
    func restore() async {
        let (defs, saved) = await BlockingIO.run { [store, logger] () -> ([NWFilterDefinition], [NWFilterBinding]) in
            let report: (String) -> Void = { logger.error("Error reading nwfilter: \($0)") }
            guard let first = try? store.prepare() else { return ([], []) }
            if first {
                let stock = store.loadFilters(from: store.stockDirectory, problem: report)
                for def in stock { try? store.save(def) }
                if !stock.isEmpty { logger.info("imported \(stock.count) nwfilters from \(store.stockDirectory)") }
            }
            return (store.loadFilters(problem: report), store.loadBindings(problem: report))
        }
        for def in defs { filters[def.name] = def }
        for b in saved {
            guard HostCommand.interfaceExists(b.portDev) else {
                await BlockingIO.run { [store] in store.remove(binding: b.portDev) }
                continue
            }
            do {
                try await instantiate(b)
                bindings[b.portDev] = b
            } catch {
                logger.error("cannot restore nwfilter binding of \(b.portDev): \(error)")
            }
        }
    }

    /// Checks every `interval` that the host firewall still has the tables while ports have rules, and puts every
    /// port's rules back when they went (a flushed ruleset, a firewall reload), as libvirt re-applies its rules
    /// when firewalld reloads.
    func watchFirewall(every interval: Duration = .seconds(3)) {
        guard firewall != nil, firewallWatch == nil else { return }
        firewallWatch = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self?.reapplyIfLost()
            }
        }
    }

    private func reapplyIfLost() async {
        guard let firewall, !bindings.isEmpty else { return }
        guard await BlockingIO.run({ !firewall.tablesPresent() }) else { return }
        try? await changes.run {
            logger.notice("the host firewall lost the nwfilter tables; putting every port's rules back")
            for b in bindings.values {
                do { try await instantiate(b) } catch { logger.error("cannot put back the rules of \(b.portDev): \(error)") }
            }
        }
    }

    // MARK: filters

    /// Every filter, by name.
    func all() -> [NWFilterDefinition] { filters.values.sorted { $0.name < $1.name } }

    func filter(named name: String) throws -> NWFilterDefinition {
        guard let def = filters[name] else { throw NWFilterError.noFilterName(name) }
        return def
    }

    func filter(_ uuid: DomainUUID) throws -> NWFilterDefinition {
        guard let def = filters.values.first(where: { $0.uuid == uuid }) else { throw NWFilterError.noFilterUUID(uuid) }
        return def
    }

    func define(xml: String) async throws -> NWFilterDefinition {
        let def = try NWFilterXML.parse(xml)
        return try await changes.run { try await defineLocked(def) }
    }

    private func defineLocked(_ def: NWFilterDefinition) async throws -> NWFilterDefinition {
        if let same = filters.values.first(where: { $0.uuid == def.uuid }) {
            if same.name != def.name { throw NWFilterError.uuidTaken(existingName: same.name) }
        } else if let named = filters[def.name] {
            throw NWFilterError.nameTaken(def.name, uuid: named.uuid)
        }
        if introducesLoop(def) { throw NWFilterError.loop }
        let old = filters[def.name]
        filters[def.name] = def
        if let old, NWFilterXML.format(old) != NWFilterXML.format(def) {
            // The ports whose filter tree uses it get the new rules; any failure puts the old definition back.
            do {
                try await reinstantiate(using: def.name)
            } catch {
                filters[def.name] = old
                try? await reinstantiate(using: def.name)
                throw error
            }
        }
        do {
            try await BlockingIO.run { [store] in try store.save(def) }
        } catch {
            filters[def.name] = old
            throw NWFilterError.storage("\(error)")
        }
        logger.info("defined nwfilter \(def.name)")
        return def
    }

    /// Whether following the references of `def` (through the filters defined now) comes back to its name.
    private func introducesLoop(_ def: NWFilterDefinition) -> Bool {
        func reaches(_ d: NWFilterDefinition, depth: Int) -> Bool {
            guard depth < 64 else { return true }
            for ref in d.references {
                if ref == def.name { return true }
                if let next = filters[ref], reaches(next, depth: depth + 1) { return true }
            }
            return false
        }
        return reaches(def, depth: 0)
    }

    func undefine(_ uuid: DomainUUID) async throws {
        try await changes.run {
            let def = try filter(uuid)
            if bindings.values.contains(where: { usedFilters($0).contains(def.name) }) { throw NWFilterError.inUse }
            await BlockingIO.run { [store] in store.remove(filter: def.name) }
            filters[def.name] = nil
            logger.info("undefined nwfilter \(def.name)")
        }
    }

    // MARK: bindings

    func allBindings() -> [NWFilterBinding] { bindings.values.sorted { $0.portDev < $1.portDev } }

    func binding(_ port: String) throws -> NWFilterBinding {
        guard let b = bindings[port] else { throw NWFilterError.noBinding(port) }
        return b
    }

    /// Applies a binding's filter tree to its port and keeps it (virNWFilterBindingCreateXML; also a guest's NIC
    /// with a `<filterref>` as it starts or is plugged in).
    func create(_ binding: NWFilterBinding) async throws -> NWFilterBinding {
        var withMAC = binding
        // As libvirt: the port's MAC address becomes a parameter of the binding unless one is given.
        if withMAC.filter.values("MAC").isEmpty { withMAC.filter.add("MAC", withMAC.mac.description) }
        let b = withMAC
        return try await changes.run {
            if bindings[b.portDev] != nil { throw NWFilterError.bindingExists(b.portDev) }
            try await instantiate(b)
            bindings[b.portDev] = b
            try? await BlockingIO.run { [store] in try store.save(b) }
            return b
        }
    }

    func delete(port: String) async throws {
        try await changes.run {
            guard bindings[port] != nil else { throw NWFilterError.noBinding(port) }
            bindings[port] = nil
            learners.removeValue(forKey: port)?.cancel()
            learnedAddresses[port] = nil
            await BlockingIO.run { [store, firewall] in
                firewall?.remove(tap: port)
                store.remove(binding: port)
            }
        }
    }

    private func usedFilters(_ b: NWFilterBinding) -> Set<String> {
        let snapshot = filters
        return NWFilterInstantiator { snapshot[$0] }.filterNames(b.filter.filter)
    }

    private func instantiate(_ b: NWFilterBinding) async throws {
        // As libvirt: a port that is not there (any more) gets no rules, and that is no error.
        if firewall != nil, !HostCommand.interfaceExists(b.portDev) { return }
        let snapshot = filters
        let instantiator = NWFilterInstantiator { snapshot[$0] }
        var ref = b.filter
        if let address = learnedAddresses[b.portDev] { ref = ref.setting("IP", to: address) }
        // As libvirt: when only IP has no value, it is learned from the guest's traffic (CTRL_IP_LEARNING); the
        // port has libvirt's basic rules meanwhile.
        if try instantiator.missingVariables(ref, mac: b.mac) == ["IP"] {
            let mode = try NWFilterIPLearning(ref)
            if mode != .none {
                guard let firewall else { return }
                let script = NWFilterNFTables.learningScript(tap: b.portDev, mac: b.mac)
                try await BlockingIO.run { try firewall.apply(tap: b.portDev, script: script) }
                startLearning(port: b.portDev, mac: b.mac, mode: mode)
                return
            }
        }
        let rules = try instantiator.instantiate(ref, mac: b.mac)
        guard let firewall else { return }
        try await BlockingIO.run { try firewall.apply(tap: b.portDev, rules: rules) }
    }

    private func startLearning(port: String, mac: MACAddress, mode: NWFilterIPLearning) {
        guard learners[port] == nil else { return }
        learners[port] = Task { [weak self, logger] in
            guard let capture = NWFilterPortCapture(interface: port) else {
                logger.error("cannot watch \(port) to learn its IP address")
                return
            }
            while !Task.isCancelled, HostCommand.interfaceExists(port) {
                if let address = capture.drain().lazy.compactMap({ mode.address(in: $0, mac: mac) }).first {
                    await self?.learned(address.description, port: port)
                    return
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// The port's filter is instantiated with the address its guest showed.
    private func learned(_ address: String, port: String) async {
        do {
            try await changes.run {
                learners[port] = nil
                guard let b = bindings[port] else { return }
                learnedAddresses[port] = address
                logger.info("learned IP address \(address) of \(port)")
                try await instantiate(b)
            }
        } catch {
            logger.error("cannot apply the filter of \(port) with its learned address \(address): \(error)")
        }
    }

    private func reinstantiate(using name: String) async throws {
        for b in bindings.values where usedFilters(b).contains(name) { try await instantiate(b) }
    }
}
