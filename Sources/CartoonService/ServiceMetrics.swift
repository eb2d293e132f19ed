import CoreMetrics
import Prometheus
import Pipeline

/// The service's Prometheus series, kept in a registry of its own so two servers in one process (tests)
/// never share counts and no global bootstrap is needed.
package final class ServiceMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let inference: CoreMetrics.Timer
    private let queueDepth: CoreMetrics.Gauge
    private let inFlight: CoreMetrics.Gauge
    private let openConnections: CoreMetrics.Gauge

    static let latencyBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    package init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        inference = CoreMetrics.Timer(label: "cartoonify_inference_duration_seconds", factory: factory)
        queueDepth = CoreMetrics.Gauge(label: "cartoonify_queue_depth", factory: factory)
        inFlight = CoreMetrics.Gauge(label: "cartoonify_inference_in_flight", factory: factory)
        openConnections = CoreMetrics.Gauge(label: "cartoonify_http_open_connections", factory: factory)
    }

    /// One finished HTTP exchange, including the errors the HTTP layer answered by itself.
    package func recordRequest(route: String, status: Int, duration: Duration) {
        CoreMetrics.Counter(label: "cartoonify_http_requests_total", dimensions: [("route", route), ("status", String(status))],
                factory: factory).increment()
        CoreMetrics.Timer(label: "cartoonify_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    package func recordInference(_ duration: Duration) {
        inference.recordNanoseconds(duration.nanoseconds)
    }

    /// Each pipeline stage's share of a request (`StageTimes`), so the per-stage CPU cost reads off the sums.
    package func recordStages(_ times: StageTimes) {
        for (name, duration) in times.named {
            CoreMetrics.Timer(label: "cartoonify_stage_duration_seconds", dimensions: [("stage", name)], factory: factory)
                .recordNanoseconds(duration.nanoseconds)
        }
    }

    /// Work turned away before it ran: `queue_full`, `deadline_exceeded`, `client_gone`, `not_ready`.
    package func recordRejected(reason: String) {
        CoreMetrics.Counter(label: "cartoonify_rejected_total", dimensions: [("reason", reason)], factory: factory).increment()
    }

    /// The text exposition, with the pool's and the server's gauges read at scrape time so they are never
    /// stale. Open connections show idle and slow clients, which hold descriptors but no worker.
    package func exposition(waiting: Int, running: Int, connections: Int) -> [UInt8] {
        queueDepth.record(waiting)
        inFlight.record(running)
        openConnections.record(connections)
        return registry.emitToBuffer()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
