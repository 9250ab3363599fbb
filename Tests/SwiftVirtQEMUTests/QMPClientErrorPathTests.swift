import Foundation
import SwiftVirtSystem
import Testing

@testable import SwiftVirtQEMU

@Suite struct QMPClientErrorPathTests {
    @Test func disconnectMidCommandFailsEveryPendingCommand() async throws {
        let dir = try ScratchDirectory()
        let peer = try await FakeQMPPeer(path: dir.path + "/fake.sock", behaviour: .closeConnection)
        defer { Task { await peer.stop() } }
        let client = try await QMPClient.connect(path: peer.path, logger: testLogger)
        async let first: Result<JSONValue, any Error> = Result { try await client.execute("query-status") }
        async let second: Result<JSONValue, any Error> = Result { try await client.execute("query-name") }
        let results = await [first, second]
        for result in results {
            guard case .failure(let error as QMPError) = result, case .disconnected(let command?) = error else {
                Issue.record("expected disconnected, got \(result)")
                continue
            }
            #expect(["query-status", "query-name"].contains(command))
        }
        var sawEvent = false
        for await _ in client.events { sawEvent = true }
        #expect(!sawEvent)
    }

    @Test func garbageIsAMalformedMessage() async throws {
        let dir = try ScratchDirectory()
        let peer = try await FakeQMPPeer(path: dir.path + "/fake.sock", behaviour: .sendGarbage)
        defer { Task { await peer.stop() } }
        let client = try await QMPClient.connect(path: peer.path, logger: testLogger)
        await #expect(throws: QMPError.malformedMessage("this is not json")) {
            try await client.execute("query-status")
        }
        #expect(await client.isConnected == false)
    }

    @Test func unansweredCommandTimesOut() async throws {
        let dir = try ScratchDirectory()
        let peer = try await FakeQMPPeer(path: dir.path + "/fake.sock", behaviour: .neverReply)
        defer { Task { await peer.stop() } }
        let client = try await QMPClient.connect(path: peer.path, logger: testLogger)
        let started = ContinuousClock.now
        await #expect(throws: QMPError.timeout(command: "query-status", seconds: 0.2)) {
            try await client.execute("query-status", timeout: .milliseconds(200))
        }
        #expect(ContinuousClock.now - started < .seconds(2))
        // The connection is still usable for later commands (they time out the same way here).
        #expect(await client.isConnected)
        await client.close()
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
