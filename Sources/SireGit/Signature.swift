#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Who made a commit and when: an author or committer line.
public struct Signature: Sendable, Hashable {
    /// The person's name.
    public var name: String
    /// The person's email address.
    public var email: String
    /// The instant of the signature.
    public var date: Date
    /// The signer's offset from UTC in minutes, as recorded (e.g. `+0200` is 120).
    public var timeZoneOffsetMinutes: Int

    /// Creates a signature.
    public init(name: String, email: String, date: Date, timeZoneOffsetMinutes: Int = 0) {
        self.name = name
        self.email = email
        self.date = date
        self.timeZoneOffsetMinutes = timeZoneOffsetMinutes
    }
}
