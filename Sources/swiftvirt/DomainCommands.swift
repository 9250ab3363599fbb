import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List domains (running ones unless --all/--inactive).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Include inactive domains.") var all = false
    @Flag(help: "Only inactive domains.") var inactive = false
    @Flag(help: "Print JSON: [{id, name, uuid, state, stateCode}] (id null when inactive).") var json = false

    func run() async throws {
        try await connection.withConnection { conn in
            let flags: UInt32 = all ? 3 : inactive ? 2 : 1
            var rows: [(RemoteNonnullDomain, Int32)] = []
            for dom in DomainListing.sorted(try await conn.listAllDomains(flags: flags)) {
                rows.append((dom, try await conn.state(dom).state))
            }
            if json {
                print(JSONValue.array(rows.map { DomainListing.json($0.0, state: $0.1) }).rendered())
            } else {
                let table = rows.map { dom, state in
                    [dom.id < 0 ? "-" : String(dom.id), dom.name, DomainListing.stateName(state)]
                }
                print(DomainListing.table(header: ["Id", "Name", "State"], rows: table))
            }
        }
    }
}

struct Define: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Define a persistent domain from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain XML file.", completion: .file(extensions: ["xml"])) var file: String

    func run() async throws {
        try await connection.withConnection { conn in
            let dom = try await conn.defineDomain(xml: try FileHandleWriter.readText(path: file))
            print("Domain '\(dom.name)' defined from \(file)")
        }
    }
}

struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create and start a transient domain from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain XML file.", completion: .file(extensions: ["xml"])) var file: String
    @Flag(help: "Leave the domain paused.") var paused = false

    func run() async throws {
        try await connection.withConnection { conn in
            let xml = try FileHandleWriter.readText(path: file)
            let dom = try await conn.createDomain(xml: xml, flags: paused ? 1 : 0)
            print("Domain '\(dom.name)' created from \(file)")
        }
    }
}

/// The domain a command acts on and the connection that reaches it.
struct DomainTarget: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
}

/// The commands that look a domain up, make their calls and print what they return.
protocol DomainActionCommand: AsyncParsableCommand {
    var target: DomainTarget { get }
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String
}

extension DomainActionCommand {
    func run() async throws {
        try await target.connection.withConnection { conn in
            let dom = try await conn.lookupDomain(target.domain)
            print(try await act(on: dom, with: conn))
        }
    }
}

/// One call on a domain, reported as "Domain 'X' <outcome>" as virsh does.
protocol SimpleDomainAction: DomainActionCommand {
    static var abstract: String { get }
    static var outcome: String { get }
    static func perform(_ dom: RemoteNonnullDomain, _ conn: VirtConnection) async throws(VirtClientError)
}

extension SimpleDomainAction {
    static var configuration: CommandConfiguration { CommandConfiguration(abstract: abstract) }

    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
        try await Self.perform(dom, conn)
        return "Domain '\(dom.name)' \(Self.outcome)"
    }
}

struct Undefine: SimpleDomainAction {
    static let abstract = "Remove a domain's persistent definition."
    static let outcome = "has been undefined"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.undefine(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Start: SimpleDomainAction {
    static let abstract = "Start a defined domain."
    static let outcome = "started"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        _ = try await c.start(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Shutdown: SimpleDomainAction {
    static let abstract = "Ask a domain's guest to power off (ACPI)."
    static let outcome = "is being shutdown"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.shutdown(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Destroy: SimpleDomainAction {
    static let abstract = "Stop a domain immediately."
    static let outcome = "destroyed"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.destroy(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Reboot: SimpleDomainAction {
    static let abstract = "Reboot a domain's guest."
    static let outcome = "is being rebooted"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.reboot(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Reset: SimpleDomainAction {
    static let abstract = "Reset a domain as if by the reset button."
    static let outcome = "was reset"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.reset(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Suspend: SimpleDomainAction {
    static let abstract = "Pause a running domain."
    static let outcome = "suspended"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.suspend(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Resume: SimpleDomainAction {
    static let abstract = "Resume a paused domain."
    static let outcome = "resumed"
    static func perform(_ d: RemoteNonnullDomain, _ c: VirtConnection) async throws(VirtClientError) {
        try await c.resume(d)
    }
    @OptionGroup var target: DomainTarget
}

struct Autostart: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Start a domain when the daemon starts.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Turn autostart off instead.") var disable = false
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
        try await conn.setAutostart(dom, !disable)
        return "Domain '\(dom.name)' \(disable ? "unmarked" : "marked") as autostarted"
    }
}

struct DomState: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "domstate", abstract: "Show a domain's state.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Also show the reason.") var reason = false
    @Flag(help: "Print JSON: {state, stateCode, reasonCode}.") var json = false
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
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

struct DomID: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "domid", abstract: "Show a domain's id ('-' if inactive).")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
        dom.id < 0 ? "-" : String(dom.id)
    }
}

struct DomUUID: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "domuuid", abstract: "Show a domain's UUID.")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
        DomainUUID.format(dom.uuid)
    }
}

struct DomName: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "domname", abstract: "Show a domain's name from its id or UUID.")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String { dom.name }
}

struct DumpXML: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "dumpxml", abstract: "Print a domain's XML.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Show the persistent definition rather than the live one.") var inactive = false
    @Flag(help: "Include security-sensitive data.") var securityInfo = false
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
        let flags: UInt32 = (inactive ? 2 : 0) | (securityInfo ? 1 : 0)
        let xml = try await conn.xmlDescription(dom, flags: flags)
        return trimmed(xml)
    }
}

struct DomInfo: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "dominfo", abstract: "Show basic domain facts.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Print JSON (fields in docs/swiftvirt.md).") var json = false
    func act(on dom: RemoteNonnullDomain, with conn: VirtConnection) async throws -> String {
        try await DomainListing.info(of: dom, conn: conn, json: json)
    }
}
