import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

struct NetDefine: DefinitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-define", abstract: "Define (or redefine) a persistent network from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network XML file.", completion: .file(extensions: ["xml"])) var file: String
    var outcome: String { "defined" }
    func submit(_ xml: String, _ c: VirtConnection) async throws -> RemoteNonnullNetwork {
        try await c.defineNetwork(xml: xml)
    }
}

struct NetCreate: DefinitionCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-create", abstract: "Create and start a transient network from an XML file.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network XML file.", completion: .file(extensions: ["xml"])) var file: String
    var outcome: String { "created" }
    func submit(_ xml: String, _ c: VirtConnection) async throws -> RemoteNonnullNetwork {
        try await c.createNetwork(xml: xml)
    }
}

struct NetUndefine: OutcomeCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-undefine", abstract: "Remove a network's persistent definition.")
    @OptionGroup var target: NetworkTarget
    var outcome: String { "has been undefined" }
    func perform(_ n: RemoteNonnullNetwork, _ c: VirtConnection) async throws { try await c.undefine(n) }
}

struct NetAutostart: AutostartCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-autostart", abstract: "Start a network when the daemon starts.")
    @OptionGroup var target: NetworkTarget
    @Flag(help: "Turn autostart off instead.") var disable = false
    func perform(_ n: RemoteNonnullNetwork, _ c: VirtConnection) async throws { try await c.setAutostart(n, !disable) }
}

struct NetUUID: UUIDCommand {
    static let configuration = CommandConfiguration(commandName: "net-uuid", abstract: "Print a network's uuid.")
    @OptionGroup var target: NetworkTarget
}

struct NetName: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-name", abstract: "Print the name of the network with this uuid.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Network uuid.") var uuid: String

    func run() async throws {
        guard let bytes = DomainUUID.parse(uuid) else {
            throw ValidationError("'\(uuid)' is not a uuid")
        }
        try await connection.withConnection { conn in
            let net = try await conn.call(Remote.NetworkLookupByUUID.self, NetworkLookupByUuidArgs(uuid: bytes)
            ).net
            print(net.name)
        }
    }
}

struct NetUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-update", abstract: "Change one part of a network's live state and/or definition.",
        discussion: """
            COMMAND: add (= add-last), add-first, add-last, delete, modify. SECTION: bridge, domain, ip, \
            ip-dhcp-host, ip-dhcp-range, forward, forward-interface, forward-pf, portgroup, dns-host, dns-txt, \
            dns-srv. XML is a file, or the element itself when it starts with '<'. Without --live/--config the \
            running network is changed if it runs, else its definition (--current).
            """)
    @OptionGroup var target: NetworkTarget
    @Argument(help: "add, add-first, add-last, delete or modify.") var command: String
    @Argument(help: "The part of the network to change (e.g. ip-dhcp-host).") var section: String
    @Argument(help: "XML element, or a file holding it.") var xml: String
    @Option(name: .customLong("parent-index"), help: "Which <ip> element (0 = first).") var parentIndex: Int32?
    @Flag(help: "Change the persistent definition.") var config = false
    @Flag(help: "Change the running network.") var live = false
    @Flag(help: "Change the running network if it runs, else the definition.") var current = false

    func validate() throws {
        if current && (live || config) { throw ValidationError("--current cannot be combined with --live or --config") }
        guard NetworkUpdateCommand(virshName: command) != nil else {
            throw ValidationError("unknown command '\(command)' (add, add-first, add-last, delete, modify)")
        }
        guard NetworkUpdateSection(virshName: section) != nil else {
            let names = NetworkUpdateSection.allCases.map(\.virshName).joined(separator: ", ")
            throw ValidationError("unknown section '\(section)' (\(names))")
        }
    }

    func run() async throws {
        guard let cmd = NetworkUpdateCommand(virshName: command), let part = NetworkUpdateSection(virshName: section)
        else { throw ValidationError("bad command or section") }
        var flags: NetworkUpdateFlags = []
        if live { flags.insert(.live) }
        if config { flags.insert(.config) }
        try await target.connection.withConnection { conn in
            let element = xml.hasPrefix("<") ? xml : try FileHandleWriter.readText(path: xml)
            let net = try await target.lookup(through: conn)
            try await conn.update(
                net, command: cmd, section: part, xml: element, parentIndex: parentIndex ?? -1, flags: flags)
            // virsh's wording: what was changed, judged from the flags (and, for --current, the network's state).
            let what: String
            if config {
                what = live ? "persistent config and live state" : "persistent config"
            } else if live {
                what = "live state"
            } else {
                what = try await conn.isActive(net) ? "live state" : "persistent config"
            }
            print("Updated network \(net.name) \(what)")
        }
    }
}
