import Foundation

/// Looks up time zones by IANA name, the way workflow files name them.
public enum TimeZones {
    /// The zone with IANA identifier `id` (such as `Europe/Paris`), or `UTC`; nil for unknown
    /// names, including misspellings (`Europe/Pariss`), wrong case (`europe/paris`) and
    /// Foundation's custom offsets (`GMT+5`), which are not IANA names.
    public static func named(_ id: String) -> TimeZone? {
        if id == "UTC" { return TimeZone(secondsFromGMT: 0) }
        // Foundation normalises offset spellings into new identifiers (`GMT+5` → `GMT+0500`);
        // demanding the identifier back unchanged keeps only real zone names.
        guard let zone = TimeZone(identifier: id), zone.identifier == id else { return nil }
        return zone
    }
}

extension TimeZone {
    /// UTC: the zone of every time sire-git records (ledger, index, API, logs).
    public static let utc = TimeZone(identifier: "UTC")!
}
