import ArgumentParser
import Foundation
import SwiftVirtClient
import SwiftVirtWire

struct Event: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Wait for domain events and print them.",
        discussion: """
            Families: every libvirt 9.0 domain event (see --list). lifecycle, reboot and metadata-change are \
            printed as virsh prints them; the others with their family and domain only. --all subscribes to every family the \
            daemon supports. Without --loop, stops after the first event.
            """)
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only events of this domain.") var domain: String?
    @Option(help: "Event family to watch (see --list).") var event: String?
    @Flag(help: "Watch every family this client knows.") var all = false
    @OptionGroup var wait: EventWaitOptions
    @Flag(help: "List the event families and exit.") var list = false

    func families() throws -> [DomainEventFamily] {
        if all { return DomainEventFamily.allCases }
        guard let event else {
            throw ValidationError("one of --list, --all, or --event <type> is required")
        }
        guard let family = DomainEventFamily(name: event) else {
            throw ValidationError("unknown event type '\(event)'; 'swiftvirt event --list' shows the known ones")
        }
        return [family]
    }

    func run() async throws {
        if list {
            print(DomainEventFamily.allCases.map(\.name).joined(separator: "\n"))
            return
        }
        let families = try families()
        try await connection.withConnection { conn in
            let dom: RemoteNonnullDomain?
            if let domain { dom = try await conn.lookupDomain(domain) } else { dom = nil }
            let events = try await conn.domainEvents(families, domain: dom, skipUnsupported: all)
            await wait.watch(events) { $0.virshText }
        }
    }
}
