import SireCore

/// `?wait=DURATION` (`30s`, `500ms`, `2m`, or plain seconds).
enum WaitParameter {
    static func parse(_ text: String) throws -> Duration {
        if let seconds = Int(text), seconds >= 0 { return .seconds(seconds) }
        do {
            return try DurationText.parse(text)
        } catch {
            throw APIError.badRequest("wait: \(error.message) (e.g. wait=30s)")
        }
    }

    /// The wait a query asks for, shortened to `cap`; nil when it asks none.
    static func from(_ query: [String: String], cap: Duration) throws -> Duration? {
        guard let text = query["wait"], !text.isEmpty else { return nil }
        return min(try parse(text), cap)
    }
}
