import Metrics

/// The API's own metrics: `sire_http_requests_total{route,method,status}` and
/// `sire_http_request_duration_seconds{route,method}` (a histogram). `route` is the matched
/// pattern (`/v1/runs/{id}`), or `unmatched`, so label values stay few.
struct HTTPMetrics: Sendable {
    func record(route: String, method: String, status: Int, duration: Duration) {
        Counter(
            label: "sire_http_requests_total",
            dimensions: [("route", route), ("method", method), ("status", String(status))]
        ).increment()
        Metrics.Timer(
            label: "sire_http_request_duration_seconds", dimensions: [("route", route), ("method", method)]
        ).recordNanoseconds(duration.nanoseconds)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
