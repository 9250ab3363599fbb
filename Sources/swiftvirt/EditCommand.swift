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
            let dom = try await target.lookup(through: conn)
            let original = try await conn.xmlDescription(dom, flags: 3)  // SECURE | INACTIVE, as virsh edit
            let path = NSTemporaryDirectory() + "swiftvirt-edit-\(getpid())-\(dom.name).xml"
            defer { unlink(path) }
            do {
                try original.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure(message: "cannot write '\(path)': \(error.localizedDescription)")
            }
            // As virsh: define with schema validation first; "i" at the prompt turns it off for this edit.
            var validate = true
            var editAgain = true
            while true {
                if editAgain { try Self.runEditor(on: path) }
                let edited = try FileHandleWriter.readText(path: path)
                if edited == original {
                    print("Domain '\(dom.name)' XML configuration not changed.")
                    return
                }
                do {
                    let defined = try await conn.defineDomain(xml: edited, flags: validate ? 1 : 0)
                    print("Domain '\(defined.name)' XML configuration edited.")
                    return
                } catch let error as VirtClientError {
                    report(ErrorReport(error))
                }
                switch Self.askAgain(offerRelax: validate) {
                case .editAgain:
                    editAgain = true
                case .withoutValidation:
                    (validate, editAgain) = (false, false)
                case .force:
                    editAgain = false
                case .giveUp:
                    throw CommandFailure(message: "Domain '\(dom.name)' XML configuration not changed.")
                }
            }
        }
    }

    enum Retry { case editAgain, withoutValidation, force, giveUp }

    /// virsh's prompt after a failed redefine: y edits again, n gives up, i (offered while validation is on)
    /// redefines the same XML without validation, f redefines it again as it is.
    static func askAgain(offerRelax: Bool) -> Retry {
        while true {
            print("Failed. Try again? \(offerRelax ? "[y,n,i,f,?]" : "[y,n,f,?]"):", terminator: " ")
            fflush(nil)
            guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return .giveUp }
            switch answer {
            case "y": return .editAgain
            case "n": return .giveUp
            case "i" where offerRelax: return .withoutValidation
            case "f": return .force
            default:
                print("y - yes, start editor again\nn - no, throw away my changes")
                if offerRelax { print("i - turn off validation and try to redefine again") }
                print("f - force, try to redefine again\n? - print this help")
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
            throw CommandFailure(
                message: "cannot run editor '\(editor)': \(error.localizedDescription)", hint: "set EDITOR")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CommandFailure(
                message: "editor '\(editor)' exited with status \(process.terminationStatus)",
                hint: "the domain was left unchanged")
        }
    }
}
