import ArgumentParser
import Foundation
import SwiftVirtClient
import SwiftVirtWire

struct Edit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit a domain's persistent XML in $VISUAL or $EDITOR (default vi) and redefine it.",
        discussion: "If the daemon rejects the edited XML you are asked whether to edit it again, as virsh does.")
    @OptionGroup var target: DomainTarget

    func run() async throws {
        try await target.connection.withConnection { conn in
            let dom = try await conn.lookupDomain(target.domain)
            let original = try await conn.xmlDescription(dom, flags: 3)  // SECURE | INACTIVE, as virsh edit
            let path = NSTemporaryDirectory() + "swiftvirt-edit-\(getpid())-\(dom.name).xml"
            defer { unlink(path) }
            do {
                try original.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(message: "cannot write '\(path)': \(error.localizedDescription)")
            }
            while true {
                try Self.runEditor(on: path)
                let edited = try FileHandleWriter.readText(path: path)
                if edited == original {
                    print("Domain '\(dom.name)' XML configuration not changed.")
                    return
                }
                do {
                    let defined = try await conn.defineDomain(xml: edited)
                    print("Domain '\(defined.name)' XML configuration edited.")
                    return
                } catch let error as VirtClientError {
                    report(ErrorReport(error))
                }
                guard Self.askAgain() else {
                    throw CommandFailure(message: "Domain '\(dom.name)' XML configuration not changed.")
                }
            }
        }
    }

    /// virsh's prompt after a failed redefine; true means edit again.
    static func askAgain() -> Bool {
        while true {
            print("Failed. Try again? [y,n,?]:", terminator: " ")
            fflush(nil)
            guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
            switch answer {
            case "y": return true
            case "n": return false
            default: print("y - yes, start editor again\nn - no, throw away my changes\n? - print this help")
            }
        }
    }

    /// Runs the user's editor through the shell (so `EDITOR="code --wait"` works) on `path`, on this terminal.
    static func runEditor(on path: String) throws(CommandFailure) {
        let env = ProcessInfo.processInfo.environment
        let editor = [env["VISUAL"], env["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "sh", path]
        do {
            try process.run()
        } catch {
            throw CommandFailure(message: "cannot run editor '\(editor)': \(error.localizedDescription)", hint: "set EDITOR")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(
                message: "editor '\(editor)' exited with status \(process.terminationStatus)",
                hint: "the domain was left unchanged")
        }
    }
}
