import FaceDetection
import Foundation
import HTTP
import Imaging
import Kernels
import KernelsCore
import Parallel

/// Everything an operator can tune. The executable fills it from flags and `CARTOONIFY_*` variables; tests
/// build it directly.
public struct ServiceConfiguration: Sendable {
    public var http = HTTPServerConfiguration()
    public var weightsPath = "weights/default.safetensors"
    /// Inference threads; each runs one request at a time from start to PNG.
    public var workers = ServiceConfiguration.activeProcessorCount
    /// Cores one inference may spread over; nil picks every core. Busy workers share the cores
    /// (`CoreShare`), so this never oversubscribes them: see `resolvedInferenceThreads`.
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
    /// `GET /` serves the try-it page; false (`--no-ui`) leaves an API-only surface. `/openapi.yaml`
    /// stays either way: it describes the API, not the page.
    public var servesPage = true
    /// How busy workers share the cores: measured for the loaded model at start (`auto`), or fixed.
    public var corePolicy = CorePolicySetting.auto
    /// The convolutions' number format; `bf16` only where `Precision.bf16Supported` (the server refuses it
    /// elsewhere at start).
    public var precision = Precision.f32
    /// The instruction-set path of the generator and the face scans (`CARTOONIFY_KERNELS` can lower it).
    public var kernels = KernelPath.best
    /// The folder holding the face cascades (`CARTOONIFY_CASCADES` names another).
    public var cascades = CascadeResources.defaultDirectory

    public init() {}

    /// A request running alone spreads over every core (lowest latency); each parallel region takes only
    /// the cores the other busy workers leave free, so under load every worker runs on one core (best
    /// throughput) and workers x active threads never exceeds the cores.
    public var resolvedInferenceThreads: Int {
        inferenceThreads ?? Self.activeProcessorCount
    }

    /// The CPUs this process may use, a container's CPU limit included (`AvailableCores`).
    public static var activeProcessorCount: Int { AvailableCores.count }
}

/// `--core-policy`: let a start-up calibration choose (`CorePolicyCalibration`), or fix one.
public enum CorePolicySetting: String, Sendable, CaseIterable {
    case auto, spread, exclusive
}
