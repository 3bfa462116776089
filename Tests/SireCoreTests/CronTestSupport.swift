import Foundation
import Testing

@testable import SireCore

/// Shared helpers for the cron suites.
enum CronTestSupport {
    static func zone(_ id: String) throws -> TimeZone {
        try #require(TimeZones.named(id), "unknown zone \(id)")
    }

    static func instant(_ text: String) throws -> Date {
        try #require(RFC3339.parse(text), "bad timestamp \(text)")
    }

    /// The next `count` fire times of `expression` after `from`, printed in `zone`.
    static func fires(_ expression: String, in zoneID: String, after from: String, count: Int)
        throws -> [String]
    {
        let schedule = try CronSchedule.parse(expression)
        let zone = try zone(zoneID)
        return schedule.nextFires(after: try instant(from), in: zone, count: count)
            .map { RFC3339.format($0, in: zone) }
    }
}

/// SplitMix64: a tiny seeded generator so generated cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
