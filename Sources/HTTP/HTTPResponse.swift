import Foundation

/// What a handler answers. The server adds `Content-Length`, `Date` and `Connection` itself.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A compact JSON object of string values, keys sorted so bodies are stable across runs.
    public static func json(status: Int, _ object: [String: String]) -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a [String: String] cannot fail; the fallback only satisfies the type checker.
        let body = (try? encoder.encode(object)).map(Array.init) ?? Array("{}".utf8)
        return HTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")]), body: body)
    }

    /// The contract's error body: `{"error": "<code>", "message": "<sentence>"}`.
    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        json(status: status, ["error": code, "message": message])
    }
}
