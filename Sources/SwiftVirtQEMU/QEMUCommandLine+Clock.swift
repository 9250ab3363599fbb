import FoundationEssentials
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
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        switch clock.offset {
        case .utc: return "utc"
        case .localtime: return "localtime"
        case .variable:
            var start = seconds + Int64(clock.adjustment ?? 0)
            if clock.basis == .localtime { start += Int64(ZoneInfo.hostOffset(at: seconds)) }
            return Self.rtcDate(start)
        case .timezone:
            guard let name = clock.timezone, let offset = ZoneInfo.offset(zone: name, at: seconds) else {
                throw QEMUCommandLineError.invalid("<clock timezone='\(clock.timezone ?? "")'> is not a known time zone")
            }
            return Self.rtcDate(seconds + Int64(offset))
        case .absolute:
            return Self.rtcDate(Int64(clock.start ?? 0))
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS` of a count of seconds since the epoch, in the proleptic Gregorian calendar.
    static func rtcDate(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secs = seconds - days * 86400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60))"
    }
}
