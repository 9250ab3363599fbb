import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

/// A command that only needs the connection.
protocol HostCommand: AsyncParsableCommand {
    var connection: ConnectionOptions { get }
    func output(_ conn: VirtConnection) async throws -> String
}

extension HostCommand {
    func run() async throws {
        try await connection.withConnection { conn in print(try await output(conn)) }
    }
}

struct Version: HostCommand {
    static let configuration = CommandConfiguration(abstract: "Show the library and hypervisor versions.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Also show the daemon's libvirt version.") var daemon = false
    @Flag(help: "Print JSON: {type, libraryVersion, hypervisorVersion}.") var json = false

    func output(_ conn: VirtConnection) async throws -> String {
        let type = try await conn.hypervisorType()
        let library = DomainListing.versionText(try await conn.libraryVersion())
        let hypervisor = DomainListing.versionText(try await conn.hypervisorVersion())
        if json {
            return JSONValue.object([
                ("type", .string(type)), ("libraryVersion", .string(library)),
                ("hypervisorVersion", .string(hypervisor)),
            ]).rendered()
        }
        var lines = ["Using API: \(type) \(library)", "Running hypervisor: \(type) \(hypervisor)"]
        if daemon { lines.append("Running against daemon: \(library)") }
        return lines.joined(separator: "\n")
    }
}

struct Capabilities: HostCommand {
    static let configuration = CommandConfiguration(abstract: "Print the host capabilities XML.")
    @OptionGroup var connection: ConnectionOptions
    func output(_ conn: VirtConnection) async throws -> String { trimmed(try await conn.capabilities()) }
}

struct DomCapabilities: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "domcapabilities", abstract: "Print what domains may use on this host (domain capabilities XML).")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Virtualization type (kvm, qemu).") var virttype: String?
    @Option(help: "Emulator binary path.") var emulatorbin: String?
    @Option(help: "Guest architecture.") var arch: String?
    @Option(help: "Machine type.") var machine: String?
    func output(_ conn: VirtConnection) async throws -> String {
        trimmed(
            try await conn.domainCapabilities(emulator: emulatorbin, arch: arch, machine: machine, virtType: virttype))
    }
}

struct NodeInfo: HostCommand {
    static let configuration = CommandConfiguration(commandName: "nodeinfo", abstract: "Show the host's CPUs and memory.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print JSON (fields in docs/swiftvirt.md).") var json = false
    func output(_ conn: VirtConnection) async throws -> String {
        let info = try await conn.nodeInfo()
        let model = String(decoding: info.model.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if json {
            return JSONValue.object([
                ("cpuModel", .string(model)), ("cpus", .int(info.cpus)), ("mhz", .int(info.mhz)),
                ("sockets", .int(info.sockets)), ("coresPerSocket", .int(info.cores)),
                ("threadsPerCore", .int(info.threads)), ("numaCells", .int(info.nodes)),
                ("memoryKiB", .int(Int64(clamping: info.memory))),
            ]).rendered()
        }
        return DomainListing.labelled(
            [
                ("CPU model", model), ("CPU(s)", String(info.cpus)), ("CPU frequency", "\(info.mhz) MHz"),
                ("CPU socket(s)", String(info.sockets)), ("Core(s) per socket", String(info.cores)),
                ("Thread(s) per core", String(info.threads)), ("NUMA cell(s)", String(info.nodes)),
                ("Memory size", "\(info.memory) KiB"),
            ], width: 21) + "\n"
    }
}

struct URI: HostCommand {
    static let configuration = CommandConfiguration(abstract: "Print the URI of the connection.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print JSON: {uri}.") var json = false
    func output(_ conn: VirtConnection) async throws -> String {
        json ? JSONValue.object([("uri", .string(conn.uri.text))]).rendered() : conn.uri.text
    }
}

struct Hostname: HostCommand {
    static let configuration = CommandConfiguration(abstract: "Print the daemon host's name.")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print JSON: {hostname}.") var json = false
    func output(_ conn: VirtConnection) async throws -> String {
        let name = try await conn.hostname()
        return json ? JSONValue.object([("hostname", .string(name))]).rendered() : name
    }
}

/// virsh prints XML documents as the daemon sent them; `print` adds the final newline back.
func trimmed(_ xml: String) -> String {
    xml.hasSuffix("\n") ? String(xml.dropLast()) : xml
}
