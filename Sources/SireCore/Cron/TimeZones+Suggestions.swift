import Foundation

extension TimeZones {
    /// Zone names to suggest from in "did you mean" messages (Foundation's list; on Linux it
    /// misses a few valid names, which `named(_:)` still accepts).
    public static var knownIdentifiers: [String] {
        TimeZone.knownTimeZoneIdentifiers
    }
}
