import ArgumentParser
import CartoonService
import FaceDetection
import Foundation
import Kernels
import KernelsCore
import Logging
import NN
import Parallel

@main
struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartoonify-server",
        abstract: "Serve POST /cartoonify: a face photo in, a PNG cartoon out.",
        discussion: "Every option also reads the environment variable named in its help; the flag wins.",
        version: CartoonifyVersion.current)

    @Option(help: "Address to listen on. [CARTOONIFY_HOST, default 0.0.0.0]")
    var host: String?
    @Option(help: "Port to listen on; 0 picks a free one. [CARTOONIFY_PORT, default 8080]")
    var port: Int?
    @Option(help: "Generator weights (safetensors). [CARTOONIFY_WEIGHTS, default weights/default.safetensors]")
    var weights: String?
    @Option(help: "Inference workers (requests run at once). [CARTOONIFY_WORKERS, default: one per available core]")
    var workers: Int?
    @Option(help: "Most cores one inference may use; busy workers share the cores. [CARTOONIFY_INFERENCE_THREADS, default: every available core]")
    var inferenceThreads: Int?
    @Option(help: "Requests that may wait for a worker before 503. [CARTOONIFY_QUEUE_DEPTH, default 16]")
    var queueDepth: Int?
    @Option(help: "Largest request body in bytes. [CARTOONIFY_MAX_BODY_BYTES, default 20971520]")
    var maxBodyBytes: Int?
    @Option(help: "Seconds a request may wait for a worker before 504. [CARTOONIFY_REQUEST_TIMEOUT, default 30]")
    var requestTimeout: Int?
    @Option(help: "Seconds SIGTERM waits for in-flight requests. [CARTOONIFY_DRAIN_TIMEOUT, default 25]")
    var drainTimeout: Int?
    @Option(help: "Most open connections. [CARTOONIFY_MAX_CONNECTIONS, default 1024]")
    var maxConnections: Int?
    @Option(help: "Serve /metrics on this port only. [CARTOONIFY_METRICS_PORT]")
    var metricsPort: Int?
    @Option(help: "text or json. [CARTOONIFY_LOG_FORMAT, default text]")
    var logFormat: String?
    @Option(help: "trace, debug, info, notice, warning, error, critical. [CARTOONIFY_LOG_LEVEL, default info]")
    var logLevel: String?
    @Flag(name: .customLong("no-ui"), help: "Serve no page at GET / (API only). [CARTOONIFY_NO_UI=1]")
    var noUI = false
    @Option(help: "How busy workers share the cores: auto (timed for the model at start), spread (one core each under load) or exclusive (one request at a time on every core). [CARTOONIFY_CORE_POLICY, default auto]")
    var corePolicy: String?
    @Option(help: "Number format of the convolutions: f32, or bf16 (bfloat16 products summed in float32; CPUs with AVX512_BF16 only). [CARTOONIFY_PRECISION, default f32]")
    var precision: String?

    func run() throws {
        // Before any thread starts, so that every thread inherits it (see `TerminationSignals`).
        TerminationSignals.blockInThisThread()
        let env = Environment()
        let levelName = try env.string(logLevel, "CARTOONIFY_LOG_LEVEL", default: "info")
        guard let level = Logger.Level(rawValue: levelName) else {
            throw ValidationError("log level must be one of trace, debug, info, notice, warning, error, critical, got '\(levelName)'.")
        }
        let format = try env.string(logFormat, "CARTOONIFY_LOG_FORMAT", default: "text")
        guard ["text", "json"].contains(format) else { throw ValidationError("log format must be text or json, got '\(format)'.") }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "cartoonify")
        let config = try serviceConfiguration(env)
        let service = CartoonService(configuration: config, logger: logger)

        let ports = try service.start()
        logger.info("listening", metadata: [
            "host": "\(config.http.host)", "port": "\(ports.port)", "workers": "\(config.workers)",
            "inference_threads": "\(config.resolvedInferenceThreads)",
            "metrics_port": "\(ports.metricsPort.map(String.init) ?? "main")",
        ])
        do {
            try service.loadModel()
        } catch {
            logger.critical("cannot load the model", metadata: ["weights": "\(config.weightsPath)", "error": "\(error)"])
            _ = service.drain()
            throw ExitCode(3)
        }
        // Everything runs on threads of its own: this one waits for SIGTERM/SIGINT, drains, then exits 0 — or
        // 1 if the grace period ran out with work unfinished.
        let signo = TerminationSignals.wait()
        logger.info("draining", metadata: ["signal": "\(signo)"])
        let clean = service.drain()
        logger.info("stopped", metadata: ["drained": "\(clean)"])
        Foundation.exit(clean ? 0 : 1)
    }

    private func serviceConfiguration(_ env: Environment) throws -> ServiceConfiguration {
        var config = ServiceConfiguration()
        config.http.host = try env.string(host, "CARTOONIFY_HOST", default: "0.0.0.0")
        config.http.port = try env.int(port, "CARTOONIFY_PORT", default: 8080)
        config.http.maxBodyBytes = try env.int(maxBodyBytes, "CARTOONIFY_MAX_BODY_BYTES", default: config.http.maxBodyBytes)
        config.http.maxConnections = try env.int(maxConnections, "CARTOONIFY_MAX_CONNECTIONS", default: config.http.maxConnections)
        config.weightsPath = try env.string(weights, "CARTOONIFY_WEIGHTS", default: config.weightsPath)
        config.workers = try env.int(workers, "CARTOONIFY_WORKERS", default: config.workers)
        config.queueDepth = try env.int(queueDepth, "CARTOONIFY_QUEUE_DEPTH", default: config.queueDepth)
        config.inferenceThreads = try env.optionalInt(inferenceThreads, "CARTOONIFY_INFERENCE_THREADS")
        config.requestTimeout = .seconds(try env.int(requestTimeout, "CARTOONIFY_REQUEST_TIMEOUT", default: 30))
        config.drainTimeout = .seconds(try env.int(drainTimeout, "CARTOONIFY_DRAIN_TIMEOUT", default: 25))
        config.metricsPort = try env.optionalInt(metricsPort, "CARTOONIFY_METRICS_PORT")
        config.apiKey = env.optionalString(nil, "CARTOONIFY_API_KEY")
        config.servesPage = try !env.bool(noUI, "CARTOONIFY_NO_UI")
        let policy = try env.string(corePolicy, "CARTOONIFY_CORE_POLICY", default: "auto")
        guard let setting = CorePolicySetting(rawValue: policy) else {
            throw ValidationError("--core-policy (CARTOONIFY_CORE_POLICY) must be one of "
                + CorePolicySetting.allCases.map(\.rawValue).joined(separator: ", ") + ", got '\(policy)'.")
        }
        config.corePolicy = setting
        config.precision = try Self.precision(env.string(precision, "CARTOONIFY_PRECISION", default: "f32"))
        config.kernels = try env.kernelPath()
        config.cascades = CascadeResources.directory(override: env.values[CascadeResources.environmentVariable])
        guard (0...65535).contains(config.http.port), config.metricsPort.map({ (1...65535).contains($0) }) ?? true else {
            throw ValidationError("ports must be from 0 to 65535.")
        }
        guard config.workers >= 1, config.queueDepth >= 0, config.http.maxBodyBytes >= 1, config.http.maxConnections >= 1,
              config.inferenceThreads.map({ $0 >= 1 }) ?? true
        else {
            throw ValidationError(
                "workers, inference threads, max body bytes and max connections must be positive; queue depth must not be negative.")
        }
        return config
    }

    /// The asked number format, refused where the CPU cannot run it.
    static func precision(_ name: String) throws -> Precision {
        guard let precision = Precision(rawValue: name) else {
            throw ValidationError("--precision (CARTOONIFY_PRECISION) must be f32 or bf16, got '\(name)'.")
        }
        if let reason = precision.unsupportedReason { throw ValidationError("--precision: \(reason).") }
        return precision
    }
}
