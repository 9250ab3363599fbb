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

struct Undefine: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove a domain's persistent definition.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String

    func run() throws {
        try connection.withClient { client in
            let dom = try client.lookupDomain(domain)
            do {
                try client.call(.domainUndefineFlags, DomainUndefineFlagsArgs(dom: dom, flags: 0))
            } catch let error as ClientError where error.isUnsupportedProcedure {
                try client.call(.domainUndefine, DomainUndefineArgs(dom: dom))
            }
            print("Domain '\(dom.name)' has been undefined")
        }
    }
}

/// The commands that look a domain up, make one call and print one line.
protocol DomainActionCommand: ParsableCommand {
    var connection: ConnectionOptions { get }
    var domain: String { get }
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String
}

extension DomainActionCommand {
    func run() throws {
        try connection.withClient { client in
            let dom = try client.lookupDomain(domain)
            print(try act(on: dom, with: client))
        }
    }
}

struct Start: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Start a defined domain.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainCreate, DomainCreateArgs(dom: dom))
        return "Domain '\(dom.name)' started"
    }
}

struct Shutdown: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Ask a domain's guest to power off (ACPI).")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainShutdown, DomainShutdownArgs(dom: dom))
        return "Domain '\(dom.name)' is being shutdown"
    }
}

struct Destroy: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a domain immediately.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainDestroy, DomainDestroyArgs(dom: dom))
        return "Domain '\(dom.name)' destroyed"
    }
}

struct Reboot: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Reboot a domain's guest.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainReboot, DomainRebootArgs(dom: dom, flags: 0))
        return "Domain '\(dom.name)' is being rebooted"
    }
}

struct Reset: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Reset a domain as if by the reset button.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainReset, DomainResetArgs(dom: dom, flags: 0))
        return "Domain '\(dom.name)' was reset"
    }
}

struct Suspend: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Pause a running domain.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainSuspend, DomainSuspendArgs(dom: dom))
        return "Domain '\(dom.name)' suspended"
    }
}

struct Resume: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Resume a paused domain.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainResume, DomainResumeArgs(dom: dom))
        return "Domain '\(dom.name)' resumed"
    }
}

struct Autostart: DomainActionCommand {
    static let configuration = CommandConfiguration(abstract: "Start a domain when the daemon starts.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    @Flag(help: "Turn autostart off instead.") var disable = false
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try client.call(.domainSetAutostart, DomainSetAutostartArgs(dom: dom, autostart: disable ? 0 : 1))
        return "Domain '\(dom.name)' \(disable ? "unmarked" : "marked") as autostarted"
    }
}

struct DomState: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "domstate", abstract: "Show a domain's state.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        DomainListing.stateName(try client.domainState(dom).state)
    }
}

struct DumpXML: DomainActionCommand {
    static let configuration = CommandConfiguration(commandName: "dumpxml", abstract: "Print a domain's XML.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
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
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Domain name, id or uuid.") var domain: String
    func act(on dom: RemoteNonnullDomain, with client: RemoteClient) throws -> String {
        try DomainListing.info(of: dom, client: client)
    }
}
