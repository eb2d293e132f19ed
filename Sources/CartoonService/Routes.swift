import FaceDetection
import Foundation
import HTTP
import Logging
import Pipeline

/// The contract's endpoints. Routing is a switch: seven fixed paths do not need a router type.
extension CartoonService {
    static let knownRoutes: Set<String> = [
        "/cartoonify", "/healthz", "/readyz", "/metrics", "/v1/model", "/", "/openapi.yaml",
    ]

    func handle(_ request: HTTPRequest, context: RequestContext, respond: @escaping @Sendable (HTTPResponse) -> Void) {
        let reply: @Sendable (HTTPResponse) -> Void = { response in
            var response = response
            response.headers.set("X-Request-Id", context.id)
            respond(response)
        }
        let readOnly = ["GET", "HEAD"]
        switch request.path {
        case "/cartoonify":
            guard request.method == "POST" else {
                return reply(ServiceError.methodNotAllowed(request.method, allowed: ["POST"]).response)
            }
            cartoonify(request, context: context, reply: reply)
        case "/metrics" where configuration.metricsPort != nil:
            reply(ServiceError.notFound(request.path).response)
        case "/healthz", "/readyz", "/v1/model", "/metrics":
            guard readOnly.contains(request.method) else {
                return reply(ServiceError.methodNotAllowed(request.method, allowed: readOnly).response)
            }
            reply(readOnlyResponse(path: request.path))
        case "/" where configuration.servesPage, "/openapi.yaml":
            guard readOnly.contains(request.method) else {
                return reply(ServiceError.methodNotAllowed(request.method, allowed: readOnly).response)
            }
            reply(assetResponse(path: request.path, ifNoneMatch: request.headers["If-None-Match"]))
        default:
            reply(ServiceError.notFound(request.path).response)
        }
    }

    private func readOnlyResponse(path: String) -> HTTPResponse {
        switch path {
        case "/healthz":
            return .json(status: 200, ["status": "ok"])
        case "/readyz":
            switch phase.withLock({ $0 }) {
            case .ready: return .json(status: 200, ["status": "ready"])
            case .starting: return .json(status: 503, ["status": "starting"])
            case .draining: return .json(status: 503, ["status": "draining"])
            }
        case "/v1/model":
            guard case .ready(_, let info) = phase.withLock({ $0 }) else { return ServiceError.notReady.response }
            var headers = HTTPHeaders()
            headers.set("Content-Type", "application/json")
            return HTTPResponse(status: 200, headers: headers, body: info.json)
        default:
            return metricsResponse()
        }
    }

    private func assetResponse(path: String, ifNoneMatch: String?) -> HTTPResponse {
        switch web {
        case .success(let web):
            return (path == "/" ? web.page : web.apiDescription).response(ifNoneMatch: ifNoneMatch)
        case .failure(let error):
            return HTTPResponse.error(status: 500, code: "internal_error", message: error.description)
        }
    }

    func metricsResponse() -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        return HTTPResponse(status: 200, headers: headers, body: metrics.exposition(waiting: pool.waiting, running: pool.running, connections: openConnections))
    }

    /// Checks auth, readiness and the query on the I/O thread (cheap, and a refusal costs no queue slot),
    /// then queues everything that touches the body for a worker.
    private func cartoonify(_ request: HTTPRequest, context: RequestContext, reply: @escaping @Sendable (HTTPResponse) -> Void) {
        let reject: @Sendable (ServiceError, String?) -> Void = { error, reason in
            if let reason { self.metrics.recordRejected(reason: reason) }
            reply(error.response)
        }
        if let apiKey, !apiKey.admits(authorization: request.headers["Authorization"]) {
            return reject(.unauthorized, nil)
        }
        guard case .ready(let pipeline, _) = phase.withLock({ $0 }) else { return reject(.notReady, "not_ready") }
        let options: CartoonOptions
        do {
            options = try CartoonOptions(query: request.query)
        } catch {
            return reject(error, nil)
        }
        let timeout = configuration.requestTimeout
        let threads = configuration.resolvedInferenceThreads
        let accepted = pool.submit { [self] worker in
            guard !context.isCancelled else { return reject(.clientGone, "client_gone") }
            guard context.receivedAt.duration(to: .now) <= timeout else {
                return reject(.deadlineExceeded, "deadline_exceeded")
            }
            do throws(ServiceError) {
                // Multipart parsing walks the whole body: worker work, not I/O-thread work.
                let bytes = try ImageUpload.bytes(of: request)
                let result = try cores.run(threads: threads) { (compute) throws(ServiceError) in
                    let resources = CartoonPipeline.Resources(arena: arenas[worker.index].arena, context: compute)
                    do throws(PipelineError) {
                        return try pipeline.run(bytes, options: options, resources: resources) { context.isCancelled }
                    } catch {
                        throw ServiceError(error)
                    }
                }
                metrics.recordInference(result.times.inference)
                metrics.recordStages(result.times)
                reply(Self.pngResponse(result))
            } catch {
                if error == .clientGone { metrics.recordRejected(reason: "client_gone") }
                reply(error.response)
            }
        } isAbandoned: {
            context.isCancelled
        } onDrop: { [metrics] in
            metrics.recordRejected(reason: "client_gone")
        }
        if !accepted { reject(.queueFull, "queue_full") }
    }

    private static func pngResponse(_ result: CartoonPipeline.Result) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.set("Content-Type", "image/png")
        headers.set("X-Inference-Ms", milliseconds(result.times.inference))
        headers.set("Server-Timing", result.times.named.map { "\($0.name);dur=\(milliseconds($0.duration))" }
            .joined(separator: ", "))
        if let detected = result.faceDetected {
            headers.set("X-Face-Detected", detected ? "true" : "false")
        }
        func box(_ face: FaceBox) -> String { "\(face.x),\(face.y),\(face.width),\(face.height)" }
        if let face = result.face {
            headers.set("X-Face-Box", box(face))
        }
        if let eyes = result.eyes {
            headers.set("X-Face-Eyes", [eyes.leftX, eyes.leftY, eyes.rightX, eyes.rightY]
                .map { String(format: "%.1f", $0) }.joined(separator: ","))
        }
        if let others = result.otherFaces {
            headers.set("X-Other-Face-Boxes", others.map(box).joined(separator: ";"))
        }
        return HTTPResponse(status: 200, headers: headers, body: result.png)
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(duration.nanoseconds) / 1e6)
    }

    /// Access log line and request metrics for every exchange, including the HTTP layer's own errors.
    func observe(_ exchange: HTTPExchange) {
        let route = Self.knownRoutes.contains(exchange.path) ? exchange.path : "other"
        metrics.recordRequest(route: route, status: exchange.status, duration: exchange.duration)
        logger.info("\(exchange.method) \(exchange.path) \(exchange.status)", metadata: [
            "request_id": "\(exchange.requestID)", "status": "\(exchange.status)",
            "bytes_in": "\(exchange.bytesIn)", "bytes_out": "\(exchange.bytesOut)",
            "latency_ms": "\(String(format: "%.1f", Double(exchange.duration.nanoseconds) / 1e6))",
            "remote": "\(exchange.remoteAddress)",
        ])
    }
}
