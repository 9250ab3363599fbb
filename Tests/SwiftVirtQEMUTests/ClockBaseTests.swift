import Foundation
import SwiftVirtCore
import Testing

@testable import SwiftVirtQEMU

/// `<clock>` offsets become `-rtc base=` as libvirt computes them: a wall-clock time in the zone, read from the
/// host's tz database (the daemon has no ICU).
@Suite struct ClockBaseTests {
    func rtc(_ clock: String, now: TimeInterval) throws -> String? {
        var d = try DomainXML.parse(
            "<domain type='qemu'><name>c</name><memory>65536</memory><os><type>hvm</type></os>\(clock)</domain>")
        try d.applyDefaults()
        var context = goldenContext
        context.now = Date(timeIntervalSince1970: now)
        let argv = try QEMUCommandLine(definition: d, context: context).arguments
        return argv.firstIndex(of: "-rtc").map { argv[$0 + 1] }
    }

    @Test func offsetsAsWallClockTimes() throws {
        let summer: TimeInterval = 1_780_000_000  // 2026-05-28T20:26:40Z
        #expect(try rtc("<clock offset='utc'/>", now: summer) == "base=utc")
        #expect(try rtc("<clock offset='timezone' timezone='Europe/Paris'/>", now: summer) == "base=2026-05-28T22:26:40")
        #expect(try rtc("<clock offset='timezone' timezone='America/New_York'/>", now: 1_765_000_000)
            == "base=2025-12-06T00:46:40")
        #expect(try rtc("<clock offset='variable' adjustment='-86400' basis='utc'/>", now: summer)
            == "base=2026-05-27T20:26:40")
        #expect(try rtc("<clock offset='absolute' start='0'/>", now: summer) == "base=1970-01-01T00:00:00")
        #expect(throws: QEMUCommandLineError.self) {
            try rtc("<clock offset='timezone' timezone='Nowhere/Atlantis'/>", now: summer)
        }
    }

    @Test func civilDates() {
        #expect(ArgumentBuilder.rtcDate(951_782_400) == "2000-02-29T00:00:00")
        #expect(ArgumentBuilder.rtcDate(-1) == "1969-12-31T23:59:59")
        #expect(ArgumentBuilder.rtcDate(4_102_444_800) == "2100-01-01T00:00:00")
    }
}
