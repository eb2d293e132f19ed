/// Limits and timeouts of one server. Defaults suit the Cartoonify service.
public struct HTTPServerConfiguration: Sendable, Equatable {
    public var host: String = "127.0.0.1"
    /// 0 picks an ephemeral port; `HTTPServer.start()` returns the one bound.
    public var port: Int = 8080
    /// Request line plus header fields, CRLFs included (also the budget for chunked trailers).
    public var maxHeaderBytes = 16 * 1024
    public var maxHeaderCount = 100
    public var maxBodyBytes = 20 * 1024 * 1024
    /// From a request's first byte until its head is complete (slowloris bound), and for a new
    /// connection to send anything at all.
    public var headerTimeout: Duration = .seconds(10)
    /// From the end of the head until the body is complete; also bounds a stalled response write.
    public var bodyTimeout: Duration = .seconds(30)
    /// How long a keep-alive connection may sit between requests.
    public var idleTimeout: Duration = .seconds(60)
    /// Connections beyond this are accepted, answered 503 `too_many_connections`, and closed (rather
    /// than left in the kernel backlog, where clients would wait without knowing why).
    public var maxConnections = 1024
    /// Kernel queue of connections not yet accepted (the loop accepts as fast as they arrive).
    public var listenBacklog = 511

    public init() {}

    public init(host: String = "127.0.0.1", port: Int = 8080, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 100,
                maxBodyBytes: Int = 20 * 1024 * 1024, headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(30),
                idleTimeout: Duration = .seconds(60), maxConnections: Int = 1024, listenBacklog: Int = 511) {
        self.host = host
        self.port = port
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.listenBacklog = listenBacklog
    }

    var parserLimits: ParserLimits {
        ParserLimits(maxHeaderBytes: maxHeaderBytes, maxHeaderCount: maxHeaderCount, maxBodyBytes: maxBodyBytes)
    }
}
