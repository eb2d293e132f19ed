import Testing
@testable import HTTP

@Suite("Responses and headers")
struct ResponseEncoderTests {
    private func text(_ response: HTTPResponse, keepAlive: Bool = true, omitBody: Bool = false) -> String {
        String(decoding: ResponseEncoder.encode(response, keepAlive: keepAlive, omitBody: omitBody, date: "Sun, 06 Nov 1994 08:49:37 GMT"), as: UTF8.self)
    }

    @Test func encodesStatusHeadersAndBody() {
        var headers = HTTPHeaders([("Content-Type", "text/plain")])
        headers.add("Content-Length", "999")  // the server owns framing: replaced by the real length
        headers.add("X-Evil", "a\r\nInjected: yes")  // would split the response: dropped
        headers.add("Bad Name", "x")
        let encoded = text(HTTPResponse(status: 200, headers: headers, body: Array("hello".utf8)))
        #expect(encoded == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: keep-alive\r\n\r\nhello")
    }

    @Test func headKeepsLengthButDropsBody() {
        let encoded = text(HTTPResponse(status: 404, body: Array("missing".utf8)), keepAlive: false, omitBody: true)
        #expect(encoded == "HTTP/1.1 404 Not Found\r\nContent-Length: 7\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\n")
    }

    @Test func noContentHasNoLengthOrBody() {
        let encoded = text(HTTPResponse(status: 204, body: Array("ignored".utf8)))
        #expect(!encoded.contains("Content-Length"))
        #expect(encoded.hasSuffix("\r\n\r\n"))
    }

    @Test func httpDate() {
        #expect(ResponseEncoder.httpDate(secondsSinceEpoch: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(ResponseEncoder.httpDate(secondsSinceEpoch: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func jsonBodies() {
        let response = HTTPResponse.error(status: 422, code: "undecodable_image", message: "Bad \"quote\", back\\slash,\nnewline \u{1} é")
        #expect(response.status == 422)
        #expect(response.headers["content-type"] == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self)
            == #"{"error":"undecodable_image","message":"Bad \"quote\", back\\slash,\nnewline \u0001 é"}"#)
        #expect(String(decoding: HTTPResponse.json(status: 200, ["status": "ok"]).body, as: UTF8.self) == #"{"status":"ok"}"#)
    }

    @Test func headersAreOrderedAndCaseInsensitive() {
        var headers = HTTPHeaders([("Accept", "a"), ("X-Multi", "1")])
        headers.add("x-multi", "2")
        #expect(headers["ACCEPT"] == "a")
        #expect(headers.values(for: "X-MULTI") == ["1", "2"])
        headers.set("X-Multi", "3")
        #expect(headers.values(for: "x-multi") == ["3"])
        #expect(headers.map(\.name) == ["Accept", "X-Multi"])
        headers.add("Connection", "keep-alive, Close")
        #expect(headers.containsToken("close", in: "connection"))
        headers.remove("accept")
        #expect(headers["Accept"] == nil)
        #expect(headers.count == 2)
    }

    @Test func requestIDs() {
        #expect(RequestContext.requestID(from: HTTPHeaders([("X-Request-Id", "abc-123_x.y:z")])) == "abc-123_x.y:z")
        let generated = RequestContext.requestID(from: HTTPHeaders([("X-Request-Id", "has space<script>")]))
        #expect(generated.count == 16)
        #expect(generated.allSatisfy { $0.isHexDigit })
        #expect(RequestContext.requestID(from: HTTPHeaders([("X-Request-Id", String(repeating: "a", count: 129))])).count == 16)
    }
}
