import HTTP
import Imaging
import Pipeline

/// A request that cannot be served, as the contract's JSON error: a status, a stable machine code and a
/// sentence for the person reading it.
package struct ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    package var status: Int
    package var code: String
    package var message: String
    package var headers: [(String, String)] = []

    package init(status: Int, code: String, message: String, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    package var description: String { "\(status) \(code): \(message)" }

    package var response: HTTPResponse {
        var response = HTTPResponse.error(status: status, code: code, message: message)
        for (name, value) in headers { response.headers.set(name, value) }
        return response
    }

    package static func == (a: ServiceError, b: ServiceError) -> Bool {
        a.status == b.status && a.code == b.code && a.message == b.message
            && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }

    static func badRequest(_ message: String) -> ServiceError {
        ServiceError(status: 400, code: "bad_request", message: message)
    }

    static func unsupportedMediaType(_ message: String) -> ServiceError {
        ServiceError(status: 415, code: "unsupported_media_type", message: message)
    }

    static func unprocessableImage(_ message: String) -> ServiceError {
        ServiceError(status: 422, code: "unprocessable_image", message: message)
    }

    static let queueFull = ServiceError(
        status: 503, code: "queue_full", message: "All workers are busy and the queue is full; retry shortly.",
        headers: [("Retry-After", "1")])

    static let notReady = ServiceError(
        status: 503, code: "not_ready", message: "The model is not loaded yet or the server is shutting down.",
        headers: [("Retry-After", "2")])

    static let deadlineExceeded = ServiceError(
        status: 504, code: "deadline_exceeded", message: "The request waited longer than the request timeout for a worker.")

    /// The client hung up; nothing is written, the status only labels the log line (nginx's 499).
    static let clientGone = ServiceError(status: 499, code: "client_closed_request", message: "The client went away.")

    static let unauthorized = ServiceError(
        status: 401, code: "unauthorized", message: "Send 'Authorization: Bearer <api key>' to use this endpoint.",
        headers: [("WWW-Authenticate", "Bearer")])

    static func notFound(_ path: String) -> ServiceError {
        ServiceError(status: 404, code: "not_found", message: "No route for \(path).")
    }

    static func methodNotAllowed(_ method: String, allowed: [String]) -> ServiceError {
        ServiceError(
            status: 405, code: "method_not_allowed",
            message: "\(method) is not allowed here; use \(allowed.joined(separator: " or ")).",
            headers: [("Allow", allowed.joined(separator: ", "))])
    }

    /// What a pipeline failure means to the client.
    init(_ error: PipelineError) {
        switch error {
        case .image(let error): self.init(error)
        case .abandoned: self = .clientGone
        }
    }

    /// What a decoder failure means to the client.
    init(_ error: ImageError) {
        switch error {
        case .unknownFormat:
            self = .unsupportedMediaType("The body is neither a JPEG nor a PNG image.")
        case .unsupportedFormat(let format):
            self = .unsupportedMediaType("\(format.rawValue.uppercased()) images are not supported; send a JPEG or PNG.")
        case .tooLarge(let width, let height):
            self = .unprocessableImage("The image is \(width)x\(height) pixels, more than this server accepts.")
        case .corrupt(let reason):
            self = .unprocessableImage("The image cannot be decoded: \(reason)")
        case .encodingFailed(let reason):
            self = ServiceError(status: 500, code: "internal_error", message: "Encoding the result failed: \(reason)")
        }
    }
}
