import FaceDetection
import Foundation
import HTTP
import Logging
import NN
import Parallel
import Pipeline
import Synchronization

/// The running service: routes of the HTTP contract, the worker pool, readiness and draining.
package final class CartoonService: Sendable {
    enum Phase: Sendable {
        case starting
        case ready(CartoonPipeline, ModelInfo)
        case draining
    }

    package let configuration: ServiceConfiguration
    package let metrics = ServiceMetrics()
    let logger: Logger
    let phase = Mutex<Phase>(.starting)
    let pool: WorkerPool
    /// One per worker, indexed by `WorkerPool.Worker.index`, touched only by that worker's thread.
    let arenas: [WorkerArena]
    /// Caps each worker's parallel regions at the cores the other busy workers leave free.
    let cores = CoreShare(cores: ServiceConfiguration.activeProcessorCount)
    let apiKey: APIKey?
    /// The page and the API description; `start()` refuses to serve without them.
    let web: Result<WebAssets, WebAssetsError>
    private let servers = Mutex<(main: HTTPServer?, metrics: HTTPServer?)>((nil, nil))

    package init(configuration: ServiceConfiguration, logger: Logger = Logger(label: "cartoonify")) {
        self.configuration = configuration
        self.logger = logger
        pool = WorkerPool(workers: configuration.workers, queueDepth: configuration.queueDepth)
        arenas = (0..<configuration.workers).map { _ in WorkerArena() }
        apiKey = configuration.apiKey.map(APIKey.init)
        web = Result { () throws(WebAssetsError) in try WebAssets.bundled() }
    }

    /// Starts listening (health checks answer from here on; readiness waits for the model) and returns the
    /// bound ports.
    package func start() throws -> (port: Int, metricsPort: Int?) {
        _ = try web.get()
        let main = HTTPServer(
            configuration: configuration.http,
            handler: { [weak self] request, context, respond in
                guard let self else { return respond(ServiceError.notReady.response) }
                self.handle(request, context: context, respond: respond)
            },
            observer: { [weak self] exchange in self?.observe(exchange) })
        let port = try main.start()
        var metricsServer: HTTPServer?
        var metricsPort: Int?
        if let extra = configuration.metricsPort {
            var http = configuration.http
            http.port = extra
            let server = HTTPServer(configuration: http, handler: { [weak self] request, _, respond in
                guard let self, request.path == "/metrics" else {
                    return respond(ServiceError.notFound(request.path).response)
                }
                respond(self.metricsResponse())
            })
            metricsPort = try server.start()
            metricsServer = server
        }
        servers.withLock { $0 = (main, metricsServer) }
        return (port, metricsPort)
    }

    /// Reads the face cascades and the weights file named by the configuration, and starts taking work.
    /// A missing or corrupt cascade, or weights whose face framing metadata is malformed, fail here.
    package func loadModel() throws {
        let detector = try FaceDetector.bundled(directory: configuration.cascades)
        let url = URL(fileURLWithPath: configuration.weightsPath)
        let loaded = try Generator.load(from: url)
        try install(loaded, detector: detector, path: configuration.weightsPath)
    }

    /// Serves an already loaded generator (tests, or weights obtained another way).
    package func install(_ loaded: LoadedGenerator, detector: FaceDetector, path: String) throws(FaceFramingError) {
        let framing = try FaceFraming(metadata: loaded.metadata)
        let pipeline = CartoonPipeline(
            generator: loaded.generator, detector: detector, framing: framing, decodeLimits: configuration.decodeLimits,
            pngCompressionLevel: configuration.pngCompressionLevel, precision: configuration.precision,
            kernels: configuration.kernels)
        let info = ModelInfo(loaded, framing: framing, path: path)
        choosePolicy(pipeline.plan)
        phase.withLock { $0 = .ready(pipeline, info) }
        logger.info("model loaded", metadata: [
            "architecture": "\(info.architecture)", "parameters": "\(info.parameters)",
            "input_size": "\(info.inputSize)", "sha256": "\(info.sha256)", "precision": "\(configuration.precision)",
        ])
    }

    /// Sets how busy workers share the cores for this model, before any request runs.
    private func choosePolicy(_ plan: GeneratorPlan) {
        switch configuration.corePolicy {
        case .spread: cores.policy = .spread
        case .exclusive: cores.policy = .exclusive
        case .auto:
            // One worker, or inferences held to one core: there is nothing to share, so nothing to time.
            guard configuration.workers > 1, configuration.resolvedInferenceThreads > 1, cores.cores > 1 else {
                cores.policy = .spread
                return
            }
            let calibration = CorePolicyCalibration.measure(plan, cores: cores.cores)
            cores.policy = calibration.policy
            logger.info("core policy", metadata: [
                "policy": "\(calibration.policy.rawValue)", "cores": "\(cores.cores)",
                "exclusive_rps": "\((calibration.exclusive * 10).rounded() / 10)",
                "spread_rps": "\((calibration.spread * 10).rounded() / 10)",
            ])
        }
    }

    /// SIGTERM: readiness turns 503, the listener closes, in-flight and queued requests finish within the
    /// drain timeout. Returns whether everything finished in time.
    package func drain() -> Bool {
        phase.withLock { $0 = .draining }
        let deadline = ContinuousClock.now + configuration.drainTimeout
        let (main, metricsServer) = servers.withLock { $0 }
        let served = main?.shutdown(gracePeriod: ContinuousClock.now.duration(to: deadline)) ?? true
        let worked = pool.shutdown(deadline: deadline)
        _ = metricsServer?.shutdown(gracePeriod: .seconds(1))
        return served && worked
    }

    /// Connections open on the main port, idle ones included.
    var openConnections: Int {
        servers.withLock { $0.main?.openConnections ?? 0 }
    }

    var isReady: Bool {
        phase.withLock { if case .ready = $0 { true } else { false } }
    }
}

/// A worker's activation memory. Unchecked: each instance is used by exactly one worker thread.
final class WorkerArena: @unchecked Sendable {
    let arena = InferenceArena()
}
