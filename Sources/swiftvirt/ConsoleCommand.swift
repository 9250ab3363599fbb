import ArgumentParser
import Foundation
import SwiftVirtClient
import SwiftVirtWire

struct Console: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach to a domain's serial console.",
        discussion: "The terminal is put in raw mode; press the escape key (default ^], Ctrl+]) to detach.")
    @OptionGroup var target: DomainTarget
    @Option(help: "Console or serial device alias (default: the first).") var devname: String?
    @Flag(help: "Take the console over from another client.") var force = false
    @Option(help: "Escape sequence that detaches: ^X for Ctrl+X, or one character.") var escape = "^]"

    func validate() throws {
        guard RawTerminal.escapeByte(escape) != nil else {
            throw ValidationError("--escape must be ^ and a letter (like ^]) or one ASCII character, not '\(escape)'")
        }
    }

    func run() async throws {
        let escapeByte = RawTerminal.escapeByte(escape) ?? 0x1d
        try await target.connection.withConnection { conn in
            let dom = try await target.lookup(through: conn)
            let stream = try await conn.openConsole(dom, device: devname, force: force)
            let label = escape == "^]" ? "^] (Ctrl + ])" : escape
            print("Connected to domain '\(dom.name)'\nEscape character is \(label)")
            fflush(nil)
            RawTerminal.enter()
            defer { RawTerminal.restore() }
            let detached = StandardInputPump.start(escape: escapeByte, stream: stream)
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await chunk in stream.incoming { writeAll(1, chunk) }
                    } catch {}
                }
                group.addTask {
                    for await _ in detached { break }
                    stream.finish()
                    // The daemon confirms the finish; give it a moment, then leave regardless.
                    try? await Task.sleep(for: .seconds(2))
                }
                await group.next()
                group.cancelAll()
            }
            RawTerminal.restore()
            print("")
        }
    }
}

/// Copies standard input to the console stream on a thread of its own (reads block), until the escape byte.
enum StandardInputPump {
    /// Returns a sequence that yields once when the user pressed the escape key.
    static func start(escape: UInt8, stream: VirtStream) -> AsyncStream<Void> {
        let (detached, signal) = AsyncStream<Void>.makeStream()
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                // End of input: stay attached, output keeps flowing until the guest side ends.
                if n <= 0 { return }
                let chunk = buffer.prefix(n)
                if let at = chunk.firstIndex(of: escape) {
                    stream.send(Array(chunk[..<at]))
                    signal.yield()
                    signal.finish()
                    return
                }
                stream.send(Array(chunk))
            }
        }
        thread.start()
        return detached
    }
}
