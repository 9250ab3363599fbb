import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List domains (running ones unless --all).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Include inactive domains.") var all = false

    func run() throws {
        try connection.withClient { client in
            let domains = try client.listAllDomains(flags: all ? 3 : 1)
            var rows: [[String]] = []
            for dom in DomainListing.sorted(domains) {
                let state = try client.domainState(dom)
                rows.append([dom.id < 0 ? "-" : String(dom.id), dom.name, DomainListing.stateName(state.state)])
            }
            print(DomainListing.table(header: ["Id", "Name", "State"], rows: rows))
        }
    }
}

struct Define: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Define a persistent domain from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain XML file.") var file: String

    func run() throws {
        try connection.withClient { client in
            let xml = try FileHandleWriter.readText(path: file)
            let dom = try client.call(
                .domainDefineXml, DomainDefineXmlArgs(xml: xml), returning: DomainDefineXmlRet.self)
            print("Domain '\(dom.dom.name)' defined from \(file)")
        }
    }
}

/// The domain a command acts on and the connection that reaches it.
struct DomainTarget: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
}

/// The commands that look a domain up, make their calls and print one line.
protocol DomainActionCommand: ParsableCommand {
    var target: DomainTarget { get }
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String
}

extension DomainActionCommand {
    func run() throws {
        try target.connection.withClient { client in
            let dom = try client.lookupDomain(target.domain)
            print(try act(on: dom, with: client))
        }
    }
}

/// One call that takes only the domain (and zero flags), reported as "Domain 'X' <outcome>" as virsh does.
struct DomainAction {
    var procedure: RemoteProcedure
    /// Whether the call's arguments are `dom, flags` (sent as 0) rather than `dom` alone.
    var takesFlags = false
    /// The domain-only call to make instead when the server does not know `procedure` (an older libvirtd).
    var fallback: RemoteProcedure?
    var outcome: String
    var abstract: String

    func perform(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        do throws(ClientError) {
            try send(on: dom, with: client)
        } catch {
            guard error.isUnsupportedProcedure, let fallback else { throw error }
            try client.call(fallback, DomainPayload(dom: dom))
        }
        return "Domain '\(dom.name)' \(outcome)"
    }

    private func send(on dom: RemoteNonnullDomain, with client: RemoteClient) throws(ClientError) {
        if takesFlags {
            try client.call(procedure, DomainFlagsArgs(dom: dom, flags: 0))
        } else {
            try client.call(procedure, DomainPayload(dom: dom))
        }
    }
}

/// A subcommand that is exactly one `DomainAction`; its help text comes from the action.
protocol SimpleDomainAction: DomainActionCommand {
    static var action: DomainAction { get }
}

extension SimpleDomainAction {
    static var configuration: CommandConfiguration { CommandConfiguration(abstract: action.abstract) }

    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try Self.action.perform(on: dom, with: client)
    }
}

struct Undefine: SimpleDomainAction {
    static let action = DomainAction(
        procedure: .domainUndefineFlags, takesFlags: true, fallback: .domainUndefine, outcome: "has been undefined",
        abstract: "Remove a domain's persistent definition.")
    @OptionGroup var target: DomainTarget
}

struct Start: SimpleDomainAction {
    static let action = DomainAction(procedure: .domainCreate, outcome: "started", abstract: "Start a defined domain.")
    @OptionGroup var target: DomainTarget
}

struct Shutdown: SimpleDomainAction {
    static let action = DomainAction(
        procedure: .domainShutdown, outcome: "is being shutdown", abstract: "Ask a domain's guest to power off (ACPI).")
    @OptionGroup var target: DomainTarget
}

struct Destroy: SimpleDomainAction {
    static let action = DomainAction(
        procedure: .domainDestroy, outcome: "destroyed", abstract: "Stop a domain immediately.")
    @OptionGroup var target: DomainTarget
}

struct Reboot: SimpleDomainAction {
    static let action = DomainAction(
        procedure: .domainReboot, takesFlags: true, outcome: "is being rebooted", abstract: "Reboot a domain's guest.")
    @OptionGroup var target: DomainTarget
}

struct Reset: SimpleDomainAction {
    static let action = DomainAction(
        procedure: .domainReset, takesFlags: true, outcome: "was reset",
        abstract: "Reset a domain as if by the reset button.")
    @OptionGroup var target: DomainTarget
}

struct Suspend: SimpleDomainAction {
    static let action = DomainAction(
        procedure: .domainSuspend, outcome: "suspended", abstract: "Pause a running domain.")
    @OptionGroup var target: DomainTarget
}

struct Resume: SimpleDomainAction {
    static let action = DomainAction(procedure: .domainResume, outcome: "resumed", abstract: "Resume a paused domain.")
    @OptionGroup var target: DomainTarget
}

struct Autostart: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Start a domain when the daemon starts.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Turn autostart off instead.") var disable = false
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainSetAutostart, DomainSetAutostartArgs(dom: dom, autostart: disable ? 0 : 1))
        return "Domain '\(dom.name)' \(disable ? "unmarked" : "marked") as autostarted"
    }
}

struct DomState: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "domstate", abstract: "Show a domain's state.")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        DomainListing.stateName(try client.domainState(dom).state)
    }
}

struct DumpXML: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "dumpxml", abstract: "Print a domain's XML.")
    @OptionGroup var target: DomainTarget
    @Flag(help: "Show the persistent definition rather than the live one.") var inactive = false
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        let flags: UInt32 = inactive ? 2 : 0  // VIR_DOMAIN_XML_INACTIVE
        return try client.call(
            .domainGetXmlDesc, DomainGetXmlDescArgs(dom: dom, flags: flags), returning: DomainGetXmlDescRet.self
        ).xml
    }
}

struct DomInfo: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "dominfo", abstract: "Show basic domain facts.")
    @OptionGroup var target: DomainTarget
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try DomainListing.info(of: dom, client: client)
    }
}
