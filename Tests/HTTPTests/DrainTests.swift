import Dispatch
import Testing
import TestSupport
@testable import HTTP

@Suite struct DrainTests {
    /// Regression: draining used to close idle connections at once, so a request a client was sending
    /// that moment on a fresh or a reused keep-alive connection was lost without an answer (found by the
    /// SIGTERM-under-load test in CartoonServiceTests). Now they get a last call: the request is
    /// answered, with `Connection: close`.
    @Test func requestsOnIdleConnectionsAreAnsweredAfterDrainingBegins() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { request, _, respond in
            respond(HTTPResponse(status: 200, body: Array(request.path.utf8)))
        }
        let port = try server.start()
        var fresh: RawHTTPClient? = try RawHTTPClient(port: port)
        var reused: RawHTTPClient? = try RawHTTPClient(port: port)
        try reused?.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try reused?.readResponse().text == "/first")
        #expect(eventually { server.openConnections == 2 })

        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = server.shutdown(gracePeriod: .seconds(10))
            done.signal()
        }
        #expect(eventually { (try? RawHTTPClient(port: port)) == nil }, "draining closes the listener")

        for (client, path) in [(fresh, "/fresh"), (reused, "/again")] {
            try client?.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try client?.readResponse())
            #expect(response.text == path)
            #expect(response.headers["Connection"] == "close")
        }
        fresh = nil
        reused = nil
        #expect(done.wait(timeout: .now() + .seconds(10)) == .success)
    }

    /// An idle connection that sends nothing is still closed once the last call is over.
    @Test func silentIdleConnectionsAreClosedAfterTheLastCall() throws {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) { _, _, respond in
            respond(HTTPResponse(status: 200))
        }
        let port = try server.start()
        let silent = try RawHTTPClient(port: port)
        #expect(eventually { server.openConnections == 1 })
        #expect(server.shutdown(gracePeriod: .seconds(10)))
        #expect(try silent.isClosedByServer())
        #expect(server.openConnections == 0)
    }
}
