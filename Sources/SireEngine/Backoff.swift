import SireCore

extension RetryPolicy {
    /// The wait before attempt `attempt + 1` after attempt `attempt` failed: the policy's
    /// delay capped at `maxInterval`, with full jitter (uniform between zero and the delay), so
    /// retries of many runs do not arrive together.
    func delay(after attempt: Int, random: Double = Double.random(in: 0...1)) -> Duration {
        let base = initialInterval.seconds
        let ceiling: Double
        switch backoff {
        case .exponential: ceiling = base * pow2(attempt - 1)
        case .linear: ceiling = base * Double(attempt)
        case .constant: ceiling = base
        }
        let capped = min(ceiling, maxInterval.seconds)
        return .milliseconds(Int((capped * random * 1000).rounded()))
    }

    private func pow2(_ n: Int) -> Double {
        n >= 62 ? Double.greatestFiniteMagnitude : Double(1 << max(0, n))
    }

    /// Whether a failure may be retried under this policy.
    func allowsRetry(of error: ToolError, attempt: Int) -> Bool {
        attempt < maxAttempts && (retryOn == .any || error.transient)
    }
}
