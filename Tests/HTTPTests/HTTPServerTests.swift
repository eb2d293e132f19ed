#if canImport(Glibc)
import Glibc
#endif
import Dispatch
import Synchronization
import Testing
import TestSupport
@testable import HTTP

/// Echoes the request: body back, method/path/query in headers. `/slow` answers after 50 ms from another
/// thread, so ordering is tested against responses that complete out of order.
private let echo: HTTPHandler = { request, context, respond in
    var headers = HTTPHeaders([("Content-Type", "application/octet-stream")])
    headers.add("X-Method", request.method)
    headers.add("X-Path", request.path)
    headers.add("X-Request-Id", context.id)
    headers.add("X-Query", request.query.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&"))
    let response = HTTPResponse(status: 200, headers: headers, body: request.body.isEmpty ? Array(request.path.utf8) : request.body)
    if request.path == "/slow" {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { respond(response) }
    } else {
        respond(response)
    }
}

/// Holds requests the test answers by hand, to test cancellation and draining.
private final class HeldRequests: Sendable {
    private let held = Mutex<[(RequestContext, @Sendable (HTTPResponse) -> Void)]>([])
    var handler: HTTPHandler {
        { _, context, respond in self.held.withLock { $0.append((context, respond)) } }
    }
    var count: Int { held.withLock { $0.count } }
    func take() -> (context: RequestContext, respond: @Sendable (HTTPResponse) -> Void)? {
        held.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

private final class Exchanges: Sendable {
    private let all = Mutex<[HTTPExchange]>([])
    var observer: @Sendable (HTTPExchange) -> Void { { exchange in self.all.withLock { $0.append(exchange) } } }
    var recorded: [HTTPExchange] { all.withLock { $0 } }
}

private func testConfiguration(_ adjust: (inout HTTPServerConfiguration) -> Void = { _ in }) -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0)
    adjust(&configuration)
    return configuration
}

/// Runs `body` against a started server and always shuts it down.
private func withServer(_ configuration: HTTPServerConfiguration = testConfiguration(), handler: @escaping HTTPHandler = echo,
                        observer: (@Sendable (HTTPExchange) -> Void)? = nil, _ body: (HTTPServer, Int) throws -> Void) throws {
    let server = HTTPServer(configuration: configuration, handler: handler, observer: observer)
    let port = try server.start()
    defer { _ = server.shutdown(gracePeriod: .seconds(2)) }
    try body(server, port)
}

/// Threads of this process, from /proc (Linux); -1 where unavailable.
private func threadCount() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("Threads:") { return Int(text.dropFirst(8).filter { $0.isNumber }) ?? -1 }
    }
    return -1
}

@Suite("HTTP server over loopback", .serialized)
struct HTTPServerTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        try withServer { server, port in
            let client = try RawHTTPClient(port: port)
            for index in 0..<3 {
                try client.send("GET /item/\(index)?q=a+b HTTP/1.1\r\nHost: test\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "/item/\(index)")
                #expect(response.headers["X-Query"] == "q=a b")
                #expect(response.headers["Connection"] == "keep-alive")
                #expect(response.headers["Date"]?.hasSuffix(" GMT") == true)
            }
            #expect(server.openConnections == 1)
            try client.send("GET /last HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            let last = try client.readResponse()
            #expect(last.headers["Connection"] == "close")
            #expect(try client.isClosedByServer())
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        try withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\nPOST /fast HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nbodyGET /slow HTTP/1.1\r\nHost: t\r\n\r\nGET /end HTTP/1.1\r\nHost: t\r\n\r\n")
            let bodies = try (0..<4).map { _ in try client.readResponse().text }
            #expect(bodies == ["/slow", "body", "/slow", "/end"])
        }
    }

    @Test func headSendsHeadersWithoutBody() throws {
        try withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("HEAD /twelve-chars! HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(head: true)
            #expect(head.status == 200)
            #expect(head.headers["X-Method"] == "HEAD")
            #expect(head.headers["Content-Length"] == "14")
            // Were a body sent, it would be read as the start of this next response.
            try client.send("GET /next HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "/next")
        }
    }

    @Test func expectContinueGetsContinueThenTheResponse() throws {
        try withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.read(count: 25) == Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            try client.send("hello")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "hello")
        }
    }

    @Test func expectContinueWithTooLargeLengthGets413AtOnce() throws {
        try withServer(testConfiguration { $0.maxBodyBytes = 1024 }) { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\nExpect: 100-continue\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.text.contains("\"error\":\"payload_too_large\""))
            #expect(response.headers["Connection"] == "close")
            #expect(try client.isClosedByServer())
        }
    }

    @Test func chunkedUploadIsReassembled() throws {
        try withServer { _, port in
            let client = try RawHTTPClient(port: port)
            let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            var request = Array("POST /chunks HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for start in stride(from: 0, to: payload.count, by: 1500) {
                let chunk = payload[start..<min(start + 1500, payload.count)]
                request += Array("\(String(chunk.count, radix: 16));ext=1\r\n".utf8) + chunk + [13, 10]
            }
            request += Array("0\r\nX-Trailer: yes\r\n\r\n".utf8)
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.body == payload)
        }
    }

    @Test func slowClientGets408WhileOthersAreServed() throws {
        let configuration = testConfiguration {
            $0.headerTimeout = .milliseconds(300)
            $0.bodyTimeout = .milliseconds(300)
        }
        try withServer(configuration) { _, port in
            let stalledHead = try RawHTTPClient(port: port)
            try stalledHead.send("GET /never HTTP/1.1\r\nHost: t\r\nX-Partial: ")
            let stalledBody = try RawHTTPClient(port: port)
            try stalledBody.send("POST /never HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")

            let other = try RawHTTPClient(port: port)
            try other.send("GET /served HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try other.readResponse().text == "/served")

            for stalled in [stalledHead, stalledBody] {
                let response = try stalled.readResponse()
                #expect(response.status == 408)
                #expect(response.text.contains("\"error\":\"request_timeout\""))
                #expect(try stalled.isClosedByServer())
            }
        }
    }

    @Test func clientDisconnectCancelsTheContext() throws {
        let held = HeldRequests()
        let exchanges = Exchanges()
        try withServer(handler: held.handler, observer: exchanges.observer) { server, port in
            var client: RawHTTPClient? = try RawHTTPClient(port: port)
            try client?.send("GET /work HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(eventually { held.count == 1 })
            let request = try #require(held.take())
            #expect(!request.context.isCancelled)
            client = nil  // closes the socket
            #expect(eventually { request.context.isCancelled })
            #expect(eventually { server.openConnections == 0 })
            request.respond(HTTPResponse(status: 200))  // late: ignored, must not crash
            #expect(exchanges.recorded.map(\.status) == [499])
        }
    }

    @Test func shutdownDrainsAnInFlightRequest() throws {
        let held = HeldRequests()
        let server = HTTPServer(configuration: testConfiguration(), handler: held.handler)
        let port = try server.start()
        var busy: RawHTTPClient? = try RawHTTPClient(port: port)
        let idle = try RawHTTPClient(port: port)
        try busy?.send("GET /work HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(eventually { held.count == 1 })
        let request = try #require(held.take())

        let drained = Mutex<Bool?>(nil)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let result = server.shutdown(gracePeriod: .seconds(5))
            drained.withLock { $0 = result }
            done.signal()
        }
        #expect(try idle.isClosedByServer(), "idle keep-alive connections are closed after the last call")
        #expect(throws: (any Error).self, "the listener is closed") { _ = try RawHTTPClient(port: port) }
        #expect(drained.withLock { $0 } == nil, "shutdown waits for the in-flight request")
        request.respond(HTTPResponse(status: 200, body: Array("finished".utf8)))
        let response = try #require(try busy?.readResponse())
        #expect(response.text == "finished")
        #expect(response.headers["Connection"] == "close")
        #expect(try busy?.isClosedByServer() == true)
        busy = nil  // a client closes once it has read a `Connection: close` response; the server waits for that
        #expect(done.wait(timeout: .now() + .seconds(10)) == .success)
        #expect(drained.withLock { $0 } == true)
        #expect(server.shutdown(gracePeriod: .zero), "idempotent")
    }

    @Test func shutdownGivesUpAfterTheGracePeriod() throws {
        let held = HeldRequests()
        let server = HTTPServer(configuration: testConfiguration(), handler: held.handler)
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        try client.send("GET /forever HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(eventually { held.count == 1 })
        let request = try #require(held.take())
        #expect(server.shutdown(gracePeriod: .milliseconds(100)) == false)
        #expect(request.context.isCancelled)
        #expect(server.openConnections == 0)
        #expect(try client.isClosedByServer())
    }

    @Test func malformedRequestGetsJSON400AndClose() throws {
        let exchanges = Exchanges()
        try withServer(observer: exchanges.observer) { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.text == #"{"error":"bad_request","message":"The request has both Content-Length and Transfer-Encoding."}"#)
            #expect(try client.isClosedByServer())
            #expect(eventually { exchanges.recorded.count == 1 })
            let exchange = try #require(exchanges.recorded.first)
            #expect(exchange.status == 400)
            #expect(exchange.method == "GET")
            #expect(exchange.path == "/")
            #expect(exchange.bytesOut > response.body.count)
        }
    }

    @Test("server-made errors are JSON, then the connection closes", arguments: [
        ("POST /x HTTP/1.1\r\nHost: t\r\n\r\n", 411, "length_required"),
        ("GET /x HTTP/1.1\r\nHost: t\r\nX-Big: \(String(repeating: "a", count: 20_000))\r\n\r\n", 431, "headers_too_large"),
        ("GET /x HTTP/1.2\r\nHost: t\r\n\r\n", 505, "http_version_not_supported"),
        ("GARBAGE\r\n\r\n", 400, "bad_request"),
        ("POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n", 400, "bad_request"),
    ])
    func serverMadeErrors(request: String, status: Int, code: String) throws {
        try withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.status == status)
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(response.text.hasPrefix("{\"error\":\"\(code)\",\"message\":\""))
            #expect(try client.isClosedByServer())
        }
    }

    @Test func observerSeesEveryExchange() throws {
        let exchanges = Exchanges()
        try withServer(observer: exchanges.observer) { _, port in
            let client = try RawHTTPClient(port: port)
            let request = "POST /echo HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\nContent-Length: 3\r\n\r\nxyz"
            try client.send(request)
            let response = try client.readResponse()
            #expect(response.headers["X-Request-Id"] == "abc-123")
            #expect(eventually { exchanges.recorded.count == 1 })
            let exchange = try #require(exchanges.recorded.first)
            #expect(exchange.requestID == "abc-123")
            #expect(exchange.method == "POST")
            #expect(exchange.path == "/echo")
            #expect(exchange.status == 200)
            #expect(exchange.bytesIn == request.utf8.count)
            #expect(exchange.remoteAddress.hasPrefix("127.0.0.1:"))
        }
    }

    @Test func connectionsBeyondTheLimitGet503() throws {
        try withServer(testConfiguration { $0.maxConnections = 1 }) { server, port in
            let first = try RawHTTPClient(port: port)
            try first.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try first.readResponse().status == 200)
            let second = try RawHTTPClient(port: port)
            let refused = try second.readResponse()
            #expect(refused.status == 503)
            #expect(refused.text.contains("\"error\":\"too_many_connections\""))
            #expect(try second.isClosedByServer())
            #expect(server.openConnections == 1)
        }
    }

    @Test func idleKeepAliveConnectionsTimeOut() throws {
        try withServer(testConfiguration { $0.idleTimeout = .milliseconds(200) }) { server, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(try client.isClosedByServer())
            #expect(client.unreadBytes.isEmpty, "an idle close sends no 408")
            #expect(eventually { server.openConnections == 0 })
        }
    }

    @Test func http10ClosesByDefault() throws {
        try withServer { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /old HTTP/1.0\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.text == "/old")
            #expect(response.headers["Connection"] == "close")
            #expect(try client.isClosedByServer())
        }
    }

    @Test func handlerThatNeverRespondsYields500() throws {
        try withServer(handler: { _, _, _ in }) { _, port in
            let client = try RawHTTPClient(port: port)
            try client.send("GET /forgotten HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 500)
            #expect(response.text.contains("\"error\":\"internal_error\""))
        }
    }

    @Test func idleConnectionsCostNoThreads() throws {
        try withServer { server, port in
            let threadsBefore = threadCount()
            let clients = try (0..<300).map { _ in try RawHTTPClient(port: port) }
            #expect(eventually { server.openConnections == clients.count })
            // Not "==": other suites may run beside this one; a thread per connection would add 300.
            #expect(threadCount() - threadsBefore < 10)
            try clients[150].send("GET /still-served HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try clients[150].readResponse().text == "/still-served")
        }
    }

    @Test func startTwiceFails() throws {
        try withServer { server, _ in
            #expect(throws: HTTPServerError.alreadyStarted) { try server.start() }
        }
    }
}
