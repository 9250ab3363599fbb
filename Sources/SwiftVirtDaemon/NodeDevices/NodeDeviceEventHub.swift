import Synchronization
import SwiftVirtCore
import SwiftVirtWire

/// Node device callbacks registered by connections (virConnectNodeDeviceEventRegisterAny). libvirt learns of
/// devices coming and going from udev; here, while any callback is registered, the host is scanned every
/// `interval` and the names that appeared or went away are sent as CREATED and DELETED lifecycle events (the
/// update event, for a device whose properties changed, is never sent).
final class NodeDeviceEventHub: Sendable {
    /// VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE and _UPDATE.
    static let lifecycleID: Int32 = 0
    static let updateID: Int32 = 1
    /// virNodeDeviceEventLifecycleType: CREATED 0, DELETED 1.
    static let created: Int32 = 0
    static let deleted: Int32 = 1

    private struct Filter {
        var eventID: Int32
        var device: String?
    }

    private let callbacks = SessionCallbacks<Filter>()
    private let watching = Mutex(false)
    let interval: Duration
    let scan: @Sendable () async -> [String]

    init(interval: Duration = .seconds(2), scan: @escaping @Sendable () async -> [String]) {
        self.interval = interval
        self.scan = scan
    }

    func register(session: ConnectionSession, eventID: Int32, device: String?) async -> Int32 {
        let id = callbacks.register(session, Filter(eventID: eventID, device: device))
        let start = watching.withLock { w in
            defer { w = true }
            return !w
        }
        if start {
            let first = Set(await scan())
            Task { await self.watch(from: first) }
        }
        return id
    }

    func deregister(session: ConnectionSession, id: Int32) -> Bool {
        callbacks.deregister(session, callbackID: id)
    }

    /// Scans until no callback is left (closed connections' callbacks go at the next publication or check).
    private func watch(from first: Set<String>) async {
        var known = first
        while true {
            try? await Task.sleep(for: interval)
            let stop = watching.withLock { w in
                if callbacks.targets({ _ in true }).isEmpty {
                    w = false
                    return true
                }
                return false
            }
            if stop { return }
            let now = Set(await scan())
            for name in now.subtracting(known).sorted() { publish(name, Self.created) }
            for name in known.subtracting(now).sorted() { publish(name, Self.deleted) }
            known = now
        }
    }

    private func publish(_ name: String, _ event: Int32) {
        let dev = RemoteNonnullNodeDevice(name: name)
        for (id, session) in callbacks.targets({ $0.eventID == Self.lifecycleID && ($0.device ?? name) == name }) {
            session.sendEvent(
                Remote.NodeDeviceEventLifecycle.self,
                NodeDeviceEventLifecycleMsg(callbackID: id, dev: dev, event: event, detail: 0))
        }
    }
}
