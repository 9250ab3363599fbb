import ArgumentParser
import SwiftVirtClient
import SwiftVirtWire

// vcpucount and domxml-to-native, with virsh 9.0's options and output.

struct VcpuCount: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vcpucount", abstract: "Show a domain's vCPU counts (maximum/current, config/live).",
        discussion: """
            Without options, a table of the counts that apply: maximum and current, of the persistent definition \
            (config) and of the running guest (live). --maximum or --active (current count) with --live, --config \
            or --current print one number. As in virsh, --current alone (without --maximum/--active) means \
            --active, an old spelling.
            """)
    @OptionGroup var target: DomainTarget
    @Flag(help: "The maximum count.") var maximum = false
    @Flag(help: "The count of active vCPUs.") var active = false
    @Flag(help: "From the running guest.") var live = false
    @Flag(help: "From the persistent definition (used at next boot).") var config = false
    @Flag(help: "From the running guest if it runs, else the definition.") var current = false
    @Flag(help: "As the guest agent reports it.") var guest = false

    /// The flags of the one-number form, after virsh's checks; nil for the table.
    func singleFlags() throws(CommandFailure) -> DomainVcpuCountFlags? {
        if !(maximum || active || live || config || current || guest) { return nil }
        // An old virsh spelling: --current without --maximum/--active meant "the active count".
        let current = current && (maximum || active)
        for (a, b, name) in [
            (current, live, "--current and --live"), (current, config, "--current and --config"),
            (active, maximum, "--active and --maximum"), (guest, config, "--guest and --config"),
        ] where a && b {
            throw CommandFailure(message: "Options \(name) are mutually exclusive", hint: nil)
        }
        var flags: DomainVcpuCountFlags = []
        if live { flags.insert(.live) }
        if config { flags.insert(.config) }
        if maximum { flags.insert(.maximum) }
        if guest { flags.insert(.guest) }
        return flags
    }

    func run() async throws {
        try await target.connection.withConnection { conn in
            let flags = try singleFlags()
            let dom = try await target.lookup(through: conn)
            if let flags {
                print(try await conn.vcpuCount(dom, flags: flags))
                return
            }
            // Live counts exist only while the guest runs, config counts only for a persistent domain.
            let running = try await conn.isActive(dom)
            let persistent = try await conn.isPersistent(dom)
            var rows: [(String, String, DomainVcpuCountFlags, Bool)] = [
                ("maximum", "config", [.config, .maximum], persistent),
                ("maximum", "live", [.live, .maximum], running),
                ("current", "config", [.config], persistent),
                ("current", "live", [.live], running),
            ]
            rows.removeAll { !$0.3 }
            var lines: [String] = []
            for (which, state, flags, _) in rows {
                let count = try await conn.vcpuCount(dom, flags: flags)
                if count > 0 { lines.append(Self.row(which, state, count)) }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    /// One table line as virsh prints it: two left-aligned 12-wide words, the count right-aligned in 3.
    static func row(_ which: String, _ state: String, _ count: Int) -> String {
        func padded(_ s: String, _ width: Int, left: Bool) -> String {
            let pad = String(repeating: " ", count: max(0, width - s.count))
            return left ? s + pad : pad + s
        }
        return padded(which, 12, left: true) + " " + padded(state, 12, left: true) + " "
            + padded(String(count), 3, left: false)
    }
}

struct DomXMLToNative: HostCommand {
    static let configuration = CommandConfiguration(
        commandName: "domxml-to-native",
        abstract: "Print the hypervisor-native configuration (qemu-argv: the QEMU command line) of a domain XML.")
    @OptionGroup var connection: ConnectionOptions
    @Argument(help: "Native format (qemu-argv).") var format: String
    @Argument(help: "Domain XML file (as --xml).", completion: .file(extensions: ["xml"])) var file: String?
    @Option(name: .customLong("xml"), help: "Domain XML file.", completion: .file(extensions: ["xml"]))
    var xmlOption: String?
    @Option(help: "Use this defined domain's XML instead of a file.") var domain: String?
    func output(_ conn: VirtConnection) async throws -> String {
        if file != nil && xmlOption != nil {
            throw CommandFailure(message: "the XML file was given twice (as argument and as --xml)", hint: nil)
        }
        let path = file ?? xmlOption
        let xml: String
        switch (domain, path) {
        case (let name?, nil): xml = try await conn.xmlDescription(try await conn.lookupDomain(name), flags: 0)
        case (nil, let path?): xml = try FileHandleWriter.readText(path: path)
        case (nil, nil): throw CommandFailure(message: "need either domain or domain XML", hint: nil)
        case (_?, _?): throw CommandFailure(message: "Options --domain and --xml are mutually exclusive", hint: nil)
        }
        return trimmed(try await conn.domainXMLToNative(format: format, xml: xml))
    }
}
