import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct List: HostCommand {
    static let configuration = CommandConfiguration(abstract: "List domains (running ones unless --all/--inactive).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Include inactive domains.") var all = false
    @Flag(help: "Only inactive domains.") var inactive = false
    @Flag(help: "Print JSON: [{id, name, uuid, state, stateCode}] (id null when inactive).") var json = false

    func output(_ conn: VirtConnection) async throws -> String {
        let flags: UInt32 = all ? 3 : inactive ? 2 : 1
        var rows: [(RemoteNonnullDomain, Int32)] = []
        for dom in DomainListing.sorted(try await conn.listAllDomains(flags: flags)) {
            rows.append((dom, try await conn.state(dom).state))
        }
        if json { return JSONValue.array(rows.map { DomainListing.json($0.0, state: $0.1) }).rendered() }
        let table = rows.map { dom, state in
            [dom.id < 0 ? "-" : String(dom.id), dom.name, DomainListing.stateName(state)]
        }
        return DomainListing.table(header: ["Id", "Name", "State"], rows: table)
    }
}

struct Define: DefinitionCommand {
    static let configuration = CommandConfiguration(abstract: "Define a persistent domain from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain XML file.", completion: .file(extensions: ["xml"])) var file: String
    var outcome: String { "defined" }
    func submit(_ xml: String, _ c: VirtConnection) async throws -> RemoteNonnullDomain {
        try await c.defineDomain(xml: xml)
    }
}

struct Create: DefinitionCommand {
    static let configuration = CommandConfiguration(abstract: "Create and start a transient domain from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain XML file.", completion: .file(extensions: ["xml"])) var file: String
    @Flag(help: "Leave the domain paused.") var paused = false
    var outcome: String { "created" }
    func submit(_ xml: String, _ c: VirtConnection) async throws -> RemoteNonnullDomain {
        try await c.createDomain(xml: xml, flags: paused ? 1 : 0)
    }
}

struct Undefine: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a domain's persistent definition.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "has been undefined" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.undefine(d) }
}

struct Start: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Start a defined domain.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "started" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { _ = try await c.start(d) }
}

struct Shutdown: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Ask a domain's guest to power off (ACPI).")
    @OptionGroup var target: DomainTarget
    var outcome: String { "is being shutdown" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.shutdown(d) }
}

struct Destroy: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a domain immediately.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "destroyed" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.destroy(d) }
}

struct Reboot: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Reboot a domain's guest.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "is being rebooted" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.reboot(d) }
}

struct Reset: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Reset a domain as if by the reset button.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "was reset" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.reset(d) }
}

struct Suspend: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Pause a running domain.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "suspended" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.suspend(d) }
}

struct Resume: OutcomeCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused domain.")
    @OptionGroup var target: DomainTarget
    var outcome: String { "resumed" }
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.resume(d) }
}

struct Autostart: AutostartCommand {
    static let configuration = CommandConfiguration(abstract: "Start a domain when the daemon starts.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Turn autostart off instead.") var disable = false
    func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws { try await c.setAutostart(d, !disable) }
}

struct DomState: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "domstate", abstract: "Show a domain's state.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Also show the reason.") var reason = false
    @Flag(help: "Print JSON: {state, stateCode, reasonCode}.") var json = false
    func act(on dom: RemoteNonnullDomain, connection conn: VirtConnection) async throws -> String {
        let state = try await conn.state(dom)
        let name = DomainListing.stateName(state.state)
        if json {
            return JSONValue.object([
                ("state", .string(name)), ("stateCode", .int(state.state)), ("reasonCode", .int(state.reason)),
            ]).rendered()
        }
        return reason ? "\(name) (\(DomainListing.reasonName(state: state.state, reason: state.reason)))" : name
    }
}

struct DomID: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "domid", abstract: "Show a domain's id ('-' if inactive).")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, connection conn: VirtConnection) async throws -> String {
        dom.id < 0 ? "-" : String(dom.id)
    }
}

struct DomUUID: UUIDCommand {
    static let configuration = CommandConfiguration(commandName: "domuuid", abstract: "Show a domain's UUID.")
    @OptionGroup var target: DomainTarget
}

struct DomName: ObjectCommand {
    static let configuration = CommandConfiguration(
        commandName: "domname", abstract: "Show a domain's name from its id or UUID.")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, connection conn: VirtConnection) async throws -> String { dom.name }
}

struct DumpXML: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "dumpxml", abstract: "Print a domain's XML.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Show the persistent definition rather than the live one.") var inactive = false
    @Flag(help: "Include security-sensitive data.") var securityInfo = false
    func act(on dom: RemoteNonnullDomain, connection conn: VirtConnection) async throws -> String {
        let flags: UInt32 = (inactive ? 2 : 0) | (securityInfo ? 1 : 0)
        let xml = try await conn.xmlDescription(dom, flags: flags)
        return trimmed(xml)
    }
}

struct DomInfo: ObjectCommand {
    static let configuration = CommandConfiguration(commandName: "dominfo", abstract: "Show basic domain facts.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Print JSON (fields in docs/swiftvirt.md).") var json = false
    func act(on dom: RemoteNonnullDomain, connection conn: VirtConnection) async throws -> String {
        try await DomainListing.info(of: dom, conn: conn, json: json)
    }
}
