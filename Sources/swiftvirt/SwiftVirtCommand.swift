import ArgumentParser
import SwiftVirtClient

/// `swiftvirt`: a small virsh-like front end to the libvirt remote protocol. Each subcommand opens one
/// connection, makes its calls through `RemoteClient`, prints, and closes.
@main
struct SwiftVirtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftvirt",
        abstract: "Manage SwiftVirt (or libvirt) domains over libvirt's remote protocol.",
        subcommands: [
            List.self, Define.self, Undefine.self, Start.self, Shutdown.self, Destroy.self, Reboot.self, Reset.self,
            Suspend.self, Resume.self, DomInfo.self, DomState.self, DumpXML.self, Autostart.self, Version.self,
            Capabilities.self,
        ])

    /// Accepts `swiftvirt -c PATH list` (virsh's order) as well as `swiftvirt list -c PATH`: ArgumentParser only
    /// parses subcommand options after the subcommand, so a leading `-c PATH` is moved behind it.
    static func main() {
        main(ConnectionOptions.movingLeadingConnectOption(Array(CommandLine.arguments.dropFirst())))
    }
}

struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("c"), .long], help: "Path of the daemon's unix socket.")
    var connect = "/run/swiftvirt/libvirt-sock"

    static func movingLeadingConnectOption(_ arguments: [String]) -> [String] {
        var args = arguments
        var moved: [String] = []
        while let first = args.first {
            if first == "-c" || first == "--connect", args.count >= 2 {
                moved += args.prefix(2)
                args.removeFirst(2)
            } else if first.hasPrefix("--connect=") {
                moved.append(first)
                args.removeFirst()
            } else {
                break
            }
        }
        guard !moved.isEmpty, let subcommand = args.first else { return arguments }
        return [subcommand] + moved + args.dropFirst()
    }

    /// Opens a connection, runs `body`, closes. Failures print `error: <message>` and exit with status 1.
    func withClient(_ body: (RemoteClient) throws -> Void) throws {
        do {
            let client = try RemoteClient(socketPath: connect)
            defer { client.close() }
            try client.open()
            try body(client)
        } catch let error as ClientError {
            printError(error.description)
            throw ExitCode(1)
        } catch let error as CommandFailure {
            printError(error.message)
            throw ExitCode(1)
        }
    }
}

/// A failure found by the CLI itself (an unreadable file), reported like a server error.
struct CommandFailure: Error {
    var message: String
}

func printError(_ message: String) {
    var stderr = StandardError()
    print("error: \(message)", to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.writeToStandardError(string)
    }
}
