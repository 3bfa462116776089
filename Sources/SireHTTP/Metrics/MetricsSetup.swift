import Metrics
import Prometheus
import Synchronization

/// The process's metrics backend: swift-metrics → one Prometheus registry, which `GET /metrics`
/// renders. Call ``bootstrap()`` once at startup, before any metric is created (later calls
/// are no-ops, so tests and commands may all call it).
package enum MetricsSetup {
    /// The registry every metric of the process lands in.
    package static let registry = PrometheusCollectorRegistry()

    private static let done = Mutex(false)

    /// Makes swift-metrics report to ``registry``, with histogram buckets suited to the
    /// controller (milliseconds to minutes). Idempotent.
    @discardableResult
    package static func bootstrap() -> PrometheusCollectorRegistry {
        done.withLock { done in
            guard !done else { return }
            done = true
            var factory = PrometheusMetricsFactory(registry: registry)
            factory.defaultDurationHistogramBuckets = [
                .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
                .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
            ]
            MetricsSystem.bootstrap(factory)
        }
        return registry
    }

    /// The Prometheus text exposition of every metric so far.
    package static func exposition() -> String {
        registry.emitToString()
    }
}
