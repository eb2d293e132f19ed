import Foundation
import HTTP
import Imaging

/// Everything an operator can tune. The executable fills it from flags and `CARTOONIFY_*` variables; tests
/// build it directly.
public struct ServiceConfiguration: Sendable {
    public var http = HTTPServerConfiguration()
    public var weightsPath = "weights/default.safetensors"
    /// Inference threads; each runs one request at a time from start to PNG.
    public var workers = ServiceConfiguration.activeProcessorCount
    /// Cores one inference may spread over; nil picks `cores / workers` so the pool never oversubscribes.
    public var inferenceThreads: Int?
    /// Requests allowed to wait for a worker; one more is answered 503 at once.
    public var queueDepth = 16
    /// How long a request may wait in the queue before it is answered 504 without running.
    public var requestTimeout: Duration = .seconds(30)
    /// SIGTERM grace: in-flight requests get this long to finish.
    public var drainTimeout: Duration = .seconds(25)
    public var decodeLimits = DecodeLimits()
    /// zlib level for response PNGs: 1 is ~5x faster than 6 for a few percent more bytes.
    public var pngCompressionLevel = 1
    /// When set, `POST /cartoonify` requires `Authorization: Bearer <key>`.
    public var apiKey: String?
    /// When set, `/metrics` is served on this port only (and not on the main one).
    public var metricsPort: Int?

    public init() {}

    /// Few workers with several threads each give the lowest latency; one thread per worker on every core
    /// gives the best throughput under load. Either way workers x threads <= cores.
    public var resolvedInferenceThreads: Int {
        inferenceThreads ?? max(1, Self.activeProcessorCount / max(1, workers))
    }

    public static var activeProcessorCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
