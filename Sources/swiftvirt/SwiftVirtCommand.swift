import ArgumentParser
import SwiftVirtClient

/// `swiftvirt`: a virsh-compatible front end to any libvirt daemon (swiftvirtd, libvirtd, virtqemud). Each
/// subcommand opens one `VirtConnection`, makes its calls, prints, and closes.
@main
struct SwiftVirtCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftvirt",
        abstract: "Manage libvirt domains (swiftvirtd, libvirtd or virtqemud) with virsh's commands.",
        discussion: """
            The connection is chosen as virsh chooses it: -c URI, else $LIBVIRT_DEFAULT_URI, else qemu:///system.
            URIs: qemu:///system, qemu+unix:///system?socket=PATH, qemu+tcp://HOST[:PORT]/system,
            qemu+ssh://[USER@]HOST/system. A bare socket path (-c /run/swiftvirt/libvirt-sock) also works.

            Exit status: 0 success; 1 the daemon or the connection reported an error (printed as
            'error: ...' plus a 'hint: ...' line); 64 the command line itself is wrong.

            --json output (list, dominfo, domstate, nodeinfo, version, hostname, uri, pool-list, pool-info,
            vol-list, vol-info, net-list, net-info, net-dhcp-leases, domiflist, domifaddr) uses the field names
            documented in docs/swiftvirt.md; they are stable.
            """,
        subcommands: [
            List.self, Define.self, Create.self, Undefine.self, Start.self, Shutdown.self, Destroy.self, Reboot.self,
            Reset.self, Suspend.self, Resume.self, DomInfo.self, DomState.self, DomID.self, DomUUID.self,
            DomName.self, DumpXML.self, Edit.self, Autostart.self, Console.self, Event.self, Version.self,
            Capabilities.self, DomCapabilities.self, NodeInfo.self, URI.self, Hostname.self,
            PoolList.self, PoolInfo.self, PoolStart.self, PoolDestroy.self, PoolDefineAs.self, PoolUndefine.self,
            VolList.self, VolInfo.self, VolCreateAs.self, VolDelete.self, VolUpload.self, VolDownload.self,
            PoolBuild.self, PoolRefresh.self, PoolDumpXML.self, VolDumpXML.self, VolClone.self, VolCreateFrom.self,
            VolResize.self, VolWipe.self,
            NetList.self, NetInfo.self, NetStart.self, NetDestroy.self, NetDumpXML.self, NetDefine.self, NetCreate.self,
            NetUndefine.self, NetAutostart.self, NetUUID.self, NetName.self, NetUpdate.self, NetDHCPLeases.self,
            NetEvent.self, DomIfList.self, DomIfAddr.self, PoolEvent.self,
        ])

    /// Accepts virsh's order (`swiftvirt -c URI [-r] list`) as well as `swiftvirt list -c URI`: ArgumentParser
    /// only parses subcommand options after the subcommand, so leading connection options move behind it.
    static func main() async {
        await main(ConnectionOptions.movingLeadingConnectionOptions(Array(CommandLine.arguments.dropFirst())))
    }
}

struct ConnectionOptions: ParsableArguments {
    @Option(
        name: [.customShort("c"), .long],
        help: "libvirt URI (or a daemon socket path); default $LIBVIRT_DEFAULT_URI, else qemu:///system.")
    var connect: String?

    @Flag(name: [.customShort("r"), .long], help: "Open a read-only connection.")
    var readonly = false

    static func movingLeadingConnectionOptions(_ arguments: [String]) -> [String] {
        var args = arguments
        var moved: [String] = []
        while let first = args.first {
            if ["-c", "--connect"].contains(first), args.count >= 2 {
                moved += args.prefix(2)
                args.removeFirst(2)
            } else if first.hasPrefix("--connect=") || first == "-r" || first == "--readonly" {
                moved.append(first)
                args.removeFirst()
            } else {
                break
            }
        }
        guard !moved.isEmpty, let subcommand = args.first else { return arguments }
        return [subcommand] + moved + args.dropFirst()
    }

    /// The URI to connect to: a bare path becomes `qemu+unix:///system?socket=PATH`.
    func uri() throws(VirtClientError) -> LibvirtURI {
        guard let connect else { return try LibvirtURI.defaultURI() }
        if connect.hasPrefix("/") { return try LibvirtURI("qemu+unix:///system?socket=\(connect)") }
        return try LibvirtURI(connect)
    }

    /// Connects, runs `body`, closes. Failures print `error: <message>` and a hint, and exit with status 1.
    func withConnection(_ body: (VirtConnection) async throws -> Void) async throws {
        do {
            let connection = try await VirtConnection.connect(to: try uri(), readOnly: readonly)
            do {
                try await body(connection)
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
        } catch let error as VirtClientError {
            report(ErrorReport(error))
            throw ExitCode(1)
        } catch let error as CommandFailure {
            report(ErrorReport(message: error.message, hint: error.hint))
            throw ExitCode(1)
        }
    }
}

/// A failure found by the CLI itself (an unreadable file, a bad option value), reported like a daemon error.
struct CommandFailure: Error {
    var message: String
    var hint: String?
}

func report(_ report: ErrorReport) {
    var stderr = StandardError()
    print("error: \(report.message)", to: &stderr)
    if let hint = report.hint { print("hint: \(hint)", to: &stderr) }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.writeToStandardError(string)
    }
}
