import ArgumentParser
import Foundation
import SwiftVirtClient
import SwiftVirtWire

/// virsh's event loop: prints each event's line, stops after the first unless `loop`, or when `timeout` seconds
/// pass ("event loop timed out"), and ends with "events received: N".
func printEvents<Events: AsyncSequence & Sendable>(
    _ events: Events, loop: Bool, timeout: Int?, line: @escaping @Sendable (Events.Element) -> String
) async {
    let counter = EventCount()
    let timedOut = await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            do {
                for try await event in events {
                    print(line(event))
                    fflush(nil)
                    counter.count += 1
                    if !loop { break }
                }
            } catch {}
            return false
        }
        if let timeout {
            group.addTask {
                try? await Task.sleep(for: .seconds(timeout))
                return !Task.isCancelled
            }
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
    if timedOut { print("event loop timed out") }
    print("events received: \(counter.count)")
}

/// Events printed so far; written only by the printing task, read after it ended.
private final class EventCount: @unchecked Sendable {
    // Unchecked: one task writes, and the reader runs only after the task group has finished.
    var count = 0
}

struct NetEvent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "net-event", abstract: "Wait for network events and print them.",
        discussion: "Without --loop, stops after the first event.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only events of this network.") var network: String?
    @Option(help: "Event type to watch (lifecycle).") var event: String?
    @Flag(help: "Keep waiting after the first event.") var loop = false
    @Option(help: "Stop after this many seconds.") var timeout: Int?
    @Flag(help: "List the event types and exit.") var list = false

    func run() async throws {
        if list {
            print("lifecycle")
            return
        }
        guard let event else { throw ValidationError("either --list or --event <type> is required") }
        guard event == "lifecycle" else { throw ValidationError("unknown event type \(event)") }
        try await connection.withConnection { conn in
            let net: RemoteNonnullNetwork?
            if let network { net = try await conn.lookupNetwork(network) } else { net = nil }
            let events = try await conn.networkEvents(network: net)
            await printEvents(events, loop: loop, timeout: timeout) { $0.virshText }
        }
    }
}

struct PoolEvent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pool-event", abstract: "Wait for storage pool events and print them.",
        discussion: "Types: lifecycle, refresh. Without --loop, stops after the first event.")
    @OptionGroup var connection: ConnectionOptions
    @Option(help: "Only events of this pool.") var pool: String?
    @Option(help: "Event type to watch (lifecycle or refresh).") var event: String?
    @Flag(help: "Keep waiting after the first event.") var loop = false
    @Option(help: "Stop after this many seconds.") var timeout: Int?
    @Flag(help: "List the event types and exit.") var list = false

    func run() async throws {
        if list {
            print(StoragePoolEvent.Family.allCases.map(\.name).joined(separator: "\n"))
            return
        }
        guard let event else { throw ValidationError("either --list or --event <type> is required") }
        guard let family = StoragePoolEvent.Family(name: event) else {
            throw ValidationError("unknown event type \(event)")
        }
        try await connection.withConnection { conn in
            let target: RemoteNonnullStoragePool?
            if let pool { target = try await conn.lookupStoragePool(pool) } else { target = nil }
            let events = try await conn.storagePoolEvents([family], pool: target)
            await printEvents(events, loop: loop, timeout: timeout) { $0.virshText }
        }
    }
}
