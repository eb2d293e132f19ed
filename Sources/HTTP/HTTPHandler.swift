/// Called on the I/O thread once per complete request; must not block (hand heavy work to a worker pool).
/// `respond` may be called from any thread, once; later calls are ignored.
public typealias HTTPHandler = @Sendable (HTTPRequest, RequestContext, _ respond: @escaping @Sendable (HTTPResponse) -> Void) -> Void

/// One line of the access log / one metrics observation, also for errors the server made itself.
/// `method` and `path` are empty when the request line could not be read.
public struct HTTPExchange: Sendable, Equatable {
    public let requestID: String
    public let method: String
    public let path: String
    public let status: Int
    /// Request bytes on the wire (head, framing and body).
    public let bytesIn: Int
    /// Response bytes actually written (less than the response when the peer went away).
    public let bytesOut: Int
    /// From the request's first byte to its response's last byte leaving.
    public let duration: Duration
    public let remoteAddress: String

    public init(requestID: String, method: String, path: String, status: Int, bytesIn: Int, bytesOut: Int, duration: Duration, remoteAddress: String) {
        self.requestID = requestID
        self.method = method
        self.path = path
        self.status = status
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.duration = duration
        self.remoteAddress = remoteAddress
    }
}
