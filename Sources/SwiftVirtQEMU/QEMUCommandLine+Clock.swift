import Foundation
import SwiftVirtCore

/// `<clock>` → `-rtc` (where the guest's RTC starts and which clock drives it) and the PIT's lost-tick policy.
extension ArgumentBuilder {
    mutating func addClock() throws {
        let clock = def.clock ?? DomainClock()
        var rtc = "base=" + (try rtcBase(clock, now: ctx.now))
        var pitPolicy: String?
        for timer in clock.timers {
            switch timer.name {
            case .rtc:
                switch timer.track {
                case nil: break
                case .guest: rtc += ",clock=vm"
                case .wall: rtc += ",clock=host"
                case .realtime: rtc += ",clock=rt"
                case .boot: throw QEMUCommandLineError.unsupported("<timer name='rtc' track='boot'>")
                }
                switch timer.tickpolicy {
                case nil, .delay: break
                case .catchup: rtc += ",driftfix=slew"
                case .merge, .discard:
                    throw QEMUCommandLineError.unsupported(
                        "<timer name='rtc' tickpolicy='\(timer.tickpolicy?.rawValue ?? "")'>")
                }
            case .pit:
                switch timer.tickpolicy {
                case nil: break
                case .delay: pitPolicy = "delay"
                case .catchup: pitPolicy = "slew"
                case .discard: pitPolicy = "discard"
                case .merge: throw QEMUCommandLineError.unsupported("<timer name='pit' tickpolicy='merge'>")
                }
            case .hpet, .kvmclock, .hypervclock, .tsc:
                continue  // -machine hpet=, and -cpu flags
            case .platform, .armvtimer:
                if timer.present == nil && timer.tickpolicy == nil { continue }
                throw QEMUCommandLineError.unsupported("<timer name='\(timer.name.rawValue)'> settings")
            }
        }
        add("-rtc", rtc)
        if let pitPolicy { add("-global", "kvm-pit.lost_tick_policy=\(pitPolicy)") }
    }

    /// QEMU's `base=`: utc/localtime by name, any other offset as the wall-clock time the guest starts at.
    private func rtcBase(_ clock: DomainClock, now: Date) throws -> String {
        switch clock.offset {
        case .utc: return "utc"
        case .localtime: return "localtime"
        case .variable:
            var start = now.addingTimeInterval(TimeInterval(clock.adjustment ?? 0))
            if clock.basis == .localtime {
                start = start.addingTimeInterval(TimeInterval(TimeZone.current.secondsFromGMT(for: now)))
            }
            return Self.rtcDate(start, in: TimeZone(identifier: "UTC")!)
        case .timezone:
            guard let name = clock.timezone, let zone = TimeZone(identifier: name) else {
                throw QEMUCommandLineError.invalid("<clock timezone='\(clock.timezone ?? "")'> is not a known time zone")
            }
            return Self.rtcDate(now, in: zone)
        case .absolute:
            return Self.rtcDate(Date(timeIntervalSince1970: TimeInterval(clock.start ?? 0)), in: TimeZone(identifier: "UTC")!)
        }
    }

    private static func rtcDate(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(c.year ?? 1970)-\(two(c.month))-\(two(c.day))T\(two(c.hour)):\(two(c.minute)):\(two(c.second))"
    }
}
