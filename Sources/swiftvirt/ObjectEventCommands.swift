import ArgumentParser
import Foundation
import SwiftVirtClient
import SwiftVirtWire

/// How long an event command waits and how it prints: the options `event`, `net-event` and `pool-event` share.
struct EventWaitOptions: ParsableArguments {
    @Flag(help: "Keep waiting after the first event.") var loop = false
    @Option(help: "Stop after this many seconds.") var timeout: Int?
    @Flag(help: "Show the time each event arrived before it.") var timestamp = false

    /// Prints `events` as `line` renders them until the first (or, with --loop, until --timeout or the end).
    func watch<Events: AsyncSequence & Sendable>(
        _ events: Events, line: @escaping @Sendable (Events.Element) -> String
    ) async {
        await printEvents(events, loop: loop, timeout: timeout, timestamp: timestamp, line: line)
    }
}

/// virsh's event loop: prints each event's line (after the time it arrived with `timestamp`, as virsh's
/// --timestamp does), stops after the first unless `loop`, or when `timeout` seconds pass ("event loop timed
/// out"), and ends with "events received: N".
func printEvents<Events: AsyncSequence & Sendable>(
    _ events: Events, loop: Bool, timeout: Int?, timestamp: Bool = false,
    line: @escaping @Sendable (Events.Element) -> String
) async {
    let counter = EventCount()
    let timedOut = await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            do {
                for try await event in events {
                    print(timestamp ? "\(eventTimestamp()): \(line(event))" : line(event))
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

/// The current time as virsh's --timestamp prints it: UTC with milliseconds, "2026-11-28 07:41:12.345+0000".
func eventTimestamp() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    var fields = tm()
    var seconds = now.tv_sec
    gmtime_r(&seconds, &fields)
    func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    let millis = now.tv_nsec / 1_000_000
    let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
    return "\(fields.tm_year + 1900)-\(two(fields.tm_mon + 1))-\(two(fields.tm_mday)) "
        + "\(two(fields.tm_hour)):\(two(fields.tm_min)):\(two(fields.tm_sec)).\(ms)+0000"
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
    @OptionGroup var wait: EventWaitOptions
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
            await wait.watch(events) { $0.virshText }
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
    @OptionGroup var wait: EventWaitOptions
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
            await wait.watch(events) { $0.virshText }
        }
    }
}
