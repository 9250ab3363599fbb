import SwiftVirtCore

/// The guest opened or closed a virtio channel's port: the live definition shows it (`<target state>`), and for
/// the guest agent's channel libvirt's AGENT_LIFECYCLE event goes out (state connected 1 / disconnected 2, reason
/// "channel event" 2).
extension DomainRegistry {
    func domainChannelChanged(_ uuid: DomainUUID, alias: String, connected: Bool) async {
        guard let rec = try? record(uuid), var live = rec.live,
            let index = live.devices.channels.indices.first(where: { i in
                let channel = live.devices.channels[i]
                // QEMU's device id is the alias, "channelN" when the definition has none.
                return (channel.alias ?? "channel\(i)") == alias && (channel.targetType ?? .virtio) == .virtio
            })
        else { return }
        live.devices.channels[index].targetState = connected ? "connected" : "disconnected"
        await replaceLive(uuid, with: live)
        guard live.devices.channels[index].targetName == "org.qemu.guest_agent.0" else { return }
        events.publish(
            DomainEventNotice(
                kind: .agentLifecycle, domain: rec.identity, lifecycle: nil, agentLifecycle: (connected ? 1 : 2, 2)))
    }
}
