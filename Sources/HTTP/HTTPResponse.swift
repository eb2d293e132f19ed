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
        let members = object.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\(jsonString($0.value))" }
        return HTTPResponse(
            status: status,
            headers: HTTPHeaders([("Content-Type", "application/json")]),
            body: Array("{\(members.joined(separator: ","))}".utf8))
    }

    /// The contract's error body: `{"error": "<code>", "message": "<sentence>"}`.
    public static func error(status: Int, code: String, message: String) -> HTTPResponse {
        json(status: status, ["error": code, "message": message])
    }
}

/// A JSON string literal (RFC 8259 escaping; non-ASCII passes through as UTF-8).
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
