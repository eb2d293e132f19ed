import FaceDetection
import Foundation
import HTTP
import Imaging
import Kernels
import KernelsCore
import Parallel

/// Everything an operator can tune. The executable fills it from flags and `CARTOONIFY_*` variables; tests
/// build it directly.
package struct ServiceConfiguration: Sendable {
    package var http = HTTPServerConfiguration()
    package var weightsPath = "weights/default.safetensors"
    /// Inference threads; each runs one request at a time from start to PNG.
    package var workers = ServiceConfiguration.activeProcessorCount
    /// Cores one inference may spread over; nil picks every core. Busy workers share the cores
    /// (`CoreShare`), so this never oversubscribes them: see `resolvedInferenceThreads`.
    package var inferenceThreads: Int?
    /// Requests allowed to wait for a worker; one more is answered 503 at once.
    package var queueDepth = 16
    /// How long a request may wait in the queue before it is answered 504 without running.
    package var requestTimeout: Duration = .seconds(30)
    /// SIGTERM grace: in-flight requests get this long to finish.
    package var drainTimeout: Duration = .seconds(25)
    package var decodeLimits = DecodeLimits()
    /// zlib level for response PNGs: 1 is ~5x faster than 6 for a few percent more bytes.
    package var pngCompressionLevel = 1
    /// When set, `POST /cartoonify` requires `Authorization: Bearer <key>`.
    package var apiKey: String?
    /// When set, `/metrics` is served on this port only (and not on the main one).
    package var metricsPort: Int?
    /// `GET /` serves the try-it page; false (`--no-ui`) leaves an API-only surface. `/openapi.yaml`
    /// stays either way: it describes the API, not the page.
    package var servesPage = true
    /// How busy workers share the cores: measured for the loaded model at start (`auto`), or fixed.
    package var corePolicy = CorePolicySetting.auto
    /// The convolutions' number format; `bf16` only where `Precision.bf16Supported` (the server refuses it
    /// elsewhere at start).
    package var precision = Precision.f32
    /// The instruction-set path of the generator and the face scans (`CARTOONIFY_KERNELS` can lower it).
    package var kernels = KernelPath.best
    /// The folder holding the face cascades (`CARTOONIFY_CASCADES` names another).
    package var cascades = CascadeResources.defaultDirectory

    package init() {}

    /// A request running alone spreads over every core (lowest latency); each parallel region takes only
    /// the cores the other busy workers leave free, so under load every worker runs on one core (best
    /// throughput) and workers x active threads never exceeds the cores.
    package var resolvedInferenceThreads: Int {
        inferenceThreads ?? Self.activeProcessorCount
    }

    /// The CPUs this process may use, a container's CPU limit included (`AvailableCores`).
    package static var activeProcessorCount: Int { AvailableCores.count }
}

/// `--core-policy`: let a start-up calibration choose (`CorePolicyCalibration`), or fix one.
package enum CorePolicySetting: String, Sendable, CaseIterable {
    case auto, spread, exclusive
}
