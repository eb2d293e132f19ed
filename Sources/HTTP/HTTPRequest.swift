/// A fully read request as the handler sees it.
public struct HTTPRequest: Sendable, Equatable {
    /// As sent, e.g. "GET", "POST", "HEAD".
    public var method: String
    /// The raw request-target, e.g. "/cartoonify?size=256".
    public var target: String
    /// The percent-decoded path without the query.
    public var path: String
    /// Percent-decoded query parameters; '+' means space; the last of repeated keys wins.
    public var query: [String: String]
    /// "HTTP/1.1" or "HTTP/1.0".
    public var version: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, target: String, version: String = "HTTP/1.1", headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        (path, query) = RequestTarget.split(target)
    }
}
