import SwiftVirtCore

/// Whether the guest has a virtio channel's port open: the live definition shows it (`<target state>`), and for
/// the guest agent's channel libvirt's AGENT_LIFECYCLE event goes out (state connected 1 / disconnected 2,
/// reason "domain started" 1 at start, "channel event" 2 when the guest opens or closes it).
extension DomainRegistry {
    /// At start: every virtio channel's state as the hypervisor reports it.
    func refreshChannels(_ uuid: DomainUUID, _ running: any RunningDomain) async {
        guard let agent = running as? any GuestAgentQueries else { return }
        for (alias, open) in await agent.virtioChannelStates().sorted(by: { $0.key < $1.key }) {
            await channelChanged(uuid, alias: alias, connected: open, reason: 1)
        }
    }

    func domainChannelChanged(_ uuid: DomainUUID, alias: String, connected: Bool) async {
        await channelChanged(uuid, alias: alias, connected: connected, reason: 2)
    }

    private func channelChanged(_ uuid: DomainUUID, alias: String, connected: Bool, reason: Int32) async {
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
                kind: .agentLifecycle, domain: rec.identity, lifecycle: nil, agentLifecycle: (connected ? 1 : 2, reason)
            ))
    }
}
