import Testing
@testable import HTTP

private let limits = ParserLimits(maxHeaderBytes: 16 * 1024, maxHeaderCount: 100, maxBodyBytes: 1024 * 1024)

/// Feeds `chunks` one by one, draining events after each; stops at the first error.
func parse(_ chunks: [ArraySlice<UInt8>], limits: ParserLimits = limits) -> (events: [ParseEvent], error: HTTPParseError?) {
    var parser = RequestParser(limits: limits)
    var events: [ParseEvent] = []
    for chunk in chunks {
        parser.append(chunk)
        do {
            while let event = try parser.next() { events.append(event) }
        } catch {
            return (events, error)
        }
    }
    return (events, nil)
}

private func parse(_ text: String, limits: ParserLimits = limits) -> (events: [ParseEvent], error: HTTPParseError?) {
    parse([ArraySlice(text.utf8)], limits: limits)
}

private func requests(_ events: [ParseEvent]) -> [HTTPRequest] {
    events.compactMap { if case .request(let request, _) = $0 { request } else { nil } }
}

private func parseError(_ text: String, limits: ParserLimits = limits) -> HTTPParseError? {
    parse(text, limits: limits).error
}

private let validRequests = [
    "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
    "GET /cartoonify?size=256&crop=face HTTP/1.1\r\nHost: a\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n\r\n",
    "POST /cartoonify HTTP/1.1\r\nHost: a\r\nContent-Type: image/png\r\nContent-Length: 12\r\n\r\nhello\r\nworld",
    "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1;quoted=\"a b\"\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\nX-More: 1\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: a\r\n\r\nPOST /b HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.0\r\n\r\n",
    "\r\nGET /after-blank-line HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Spaces:   padded value  \r\n\r\n",
]

@Suite("Request parser")
struct RequestParserTests {
    @Test("every split point gives the same events", arguments: validRequests)
    func everySplitPoint(text: String) throws {
        let bytes = ArraySlice(text.utf8)
        let whole = parse([bytes])
        #expect(whole.error == nil)
        #expect(!requests(whole.events).isEmpty)
        for split in 0...bytes.count {
            let pieces = parse([bytes[..<split], bytes[split...]])
            #expect(pieces.events == whole.events, "split at \(split)")
            #expect(pieces.error == nil, "split at \(split)")
        }
        let oneByteAtATime = parse(bytes.indices.map { bytes[$0...$0] })
        #expect(oneByteAtATime.events == whole.events)
    }

    @Test("every split point gives the same error")
    func everySplitPointForErrors() {
        let bad = ArraySlice("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n".utf8)
        #expect(parse([bad]).error == .invalidChunkSize("zz"))
        for split in 0...bad.count {
            #expect(parse([bad[..<split], bad[split...]]).error == .invalidChunkSize("zz"), "split at \(split)")
        }
    }

    @Test func contentLengthBody() throws {
        let result = parse(validRequests[2])
        let request = try #require(requests(result.events).first)
        #expect(request.method == "POST")
        #expect(request.body == Array("hello\r\nworld".utf8))
        #expect(request.headers["content-type"] == "image/png")
        guard case .head(let head) = result.events.first else { Issue.record("no head event"); return }
        #expect(head.framing == .length(12))
        #expect(head.keepAlive)
    }

    @Test func chunkedWithExtensionsAndTrailers() throws {
        let result = parse(validRequests[3])
        let request = try #require(requests(result.events).first)
        #expect(request.body == Array("hello world".utf8))
        #expect(request.headers["X-Checksum"] == nil, "trailers are not merged into the headers")
        guard case .request(_, let wireBytes) = result.events.last else { Issue.record("no request"); return }
        #expect(wireBytes == validRequests[3].utf8.count)
    }

    @Test func pipelinedRequestsInOneBuffer() {
        let all = requests(parse(validRequests[4]).events)
        #expect(all.map(\.path) == ["/a", "/b", "/c"])
        #expect(all[1].body == Array("abc".utf8))
        #expect(all[2].version == "HTTP/1.0")
    }

    @Test func headerValuesAreTrimmed() throws {
        let request = try #require(requests(parse(validRequests[5]).events).first)
        #expect(request.headers["X-Spaces"] == "padded value")
        #expect(request.headers["X-Empty"] == "")
    }

    @Test func pathAndQueryDecoding() throws {
        let request = try #require(requests(parse("GET /a%20b/c%2Fd?x=1&y=hello+world&x=2&z=%41&flag&bad=%zz HTTP/1.1\r\nHost: a\r\n\r\n").events).first)
        #expect(request.path == "/a b/c/d")
        #expect(request.query == ["x": "2", "y": "hello world", "z": "A", "flag": "", "bad": "%zz"])
        #expect(request.target == "/a%20b/c%2Fd?x=1&y=hello+world&x=2&z=%41&flag&bad=%zz")
        let absolute = HTTPRequest(method: "GET", target: "http://example.com:8080/v1/model?x=1")
        #expect(absolute.path == "/v1/model")
        #expect(absolute.query == ["x": "1"])
    }

    @Test func connectionAndExpectFlags() {
        func head(_ text: String) -> RequestHead? {
            if case .head(let head)? = parse(text).events.first { head } else { nil }
        }
        #expect(head("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")?.keepAlive == false)
        #expect(head("GET / HTTP/1.0\r\n\r\n")?.keepAlive == false)
        #expect(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")?.keepAlive == true)
        #expect(head("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n")?.expectsContinue == true)
        #expect(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n")?.expectsContinue == false)
    }

    @Test func oversizedHead() {
        let small = ParserLimits(maxHeaderBytes: 64, maxHeaderCount: 100, maxBodyBytes: 1024)
        let longLine = "GET /" + String(repeating: "a", count: 100) + " HTTP/1.1\r\nHost: a\r\n\r\n"
        #expect(parseError(longLine, limits: small) == .headersTooLarge(limit: 64))
        #expect(parse([ArraySlice(longLine.utf8.prefix(70))], limits: small).error == .headersTooLarge(limit: 64),
                "fails before the line is complete")
        let manyBytes = "GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "b", count: 40) + "\r\n\r\n"
        #expect(parseError(manyBytes, limits: small) == .headersTooLarge(limit: 64))
        let exactlyAtLimit = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "c", count: 64 - 32) + "\r\n\r\n"
        #expect(exactlyAtLimit.utf8.count == 64)
        #expect(parse(exactlyAtLimit, limits: small).error == nil)
        #expect(HTTPParseError.headersTooLarge(limit: 64).status == 431)
    }

    @Test func tooManyHeaders() {
        let fields = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(parse("GET / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n").error == nil)
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\nX-Extra: 1\r\n\(fields)\r\n") == .tooManyHeaders(limit: 100))
    }

    @Test("malformed request lines", arguments: [
        ("GET /\r\n\r\n", 400),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", 400),
        ("G@T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET /a\u{1}b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / http/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
        (" GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", 505),
        ("GET / HTTP/2\r\nHost: a\r\n\r\n", 505),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    ])
    func malformedRequestLines(text: String, status: Int) throws {
        let error = try #require(parseError(text))
        #expect(error.status == status, "\(error)")
    }

    @Test("malformed header fields", arguments: [
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n", HTTPParseError.obsoleteLineFolding),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n", .malformedHeader("invalid field name 'X-A '")),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .malformedHeader("no ':' in 'NoColon'")),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{0}b\r\n\r\n", .malformedHeader("control character in the value of 'X-A'")),
        ("GET / HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n", .malformedHeader("invalid field name ''")),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .multipleHost),
        ("GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n", .bareLineFeed),
    ])
    func malformedHeaders(text: String, expected: HTTPParseError) {
        #expect(parseError(text) == expected)
    }

    @Test("Content-Length and Transfer-Encoding framing", arguments: [
        ("Content-Length: 5\r\nContent-Length: 5", HTTPParseError.multipleContentLength),
        ("Content-Length: 5\r\nContent-Length: 6", .multipleContentLength),
        ("Content-Length: 5, 5", .multipleContentLength),
        ("Content-Length: +5", .invalidContentLength("+5")),
        ("Content-Length: -1", .invalidContentLength("-1")),
        ("Content-Length: 0x10", .invalidContentLength("0x10")),
        ("Content-Length: ", .invalidContentLength("")),
        ("Content-Length: 99999999999999999999999", .invalidContentLength("99999999999999999999999")),
        ("Content-Length: 1048577", .bodyTooLarge(limit: 1024 * 1024)),
        ("Content-Length: 5\r\nTransfer-Encoding: chunked", .contentLengthWithChunked),
        ("Transfer-Encoding: chunked\r\nContent-Length: 5", .contentLengthWithChunked),
        ("Transfer-Encoding: gzip", .chunkedNotFinal("gzip")),
        ("Transfer-Encoding: chunked, gzip", .chunkedNotFinal("chunked, gzip")),
        ("Transfer-Encoding: gzip, chunked", .unsupportedTransferEncoding("gzip, chunked")),
        ("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", .unsupportedTransferEncoding("chunked, chunked")),
        ("X-Nothing: 1", .lengthRequired(method: "POST")),
    ])
    func framingErrors(fields: String, expected: HTTPParseError) {
        #expect(parseError("POST / HTTP/1.1\r\nHost: a\r\n\(fields)\r\n\r\n") == expected)
    }

    @Test func framingStatuses() {
        #expect(HTTPParseError.contentLengthWithChunked.status == 400)
        #expect(HTTPParseError.lengthRequired(method: "PUT").status == 411)
        #expect(HTTPParseError.lengthRequired(method: "PUT").code == "length_required")
        #expect(HTTPParseError.bodyTooLarge(limit: 1).status == 413)
        #expect(HTTPParseError.unsupportedTransferEncoding("gzip").status == 501)
        #expect(parseError("PUT / HTTP/1.1\r\nHost: a\r\n\r\n") == .lengthRequired(method: "PUT"))
        #expect(parseError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == .transferEncodingInHTTP10)
        #expect(parse("DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n").error == nil, "only POST and PUT need a length")
    }

    @Test("bad chunk sizes", arguments: ["zz", "", "-1", "+5", "0x5", "5 x", "fffffffffffffffff0"])
    func badChunkSizes(line: String) {
        let error = parseError("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\(line)\r\nhello\r\n0\r\n\r\n")
        #expect(error == .invalidChunkSize(line))
    }

    @Test func malformedChunks() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(parseError(head + "5\r\nhelloXY0\r\n\r\n") == .malformedChunk("chunk data is not followed by CRLF"))
        #expect(parseError(head + "5\r\nhello\rX") == .malformedChunk("chunk data is not followed by CRLF"))
        #expect(parseError(head + "5" + String(repeating: " ", count: 5000)) != nil, "an endless chunk-size line is refused")
        #expect(parseError(head + "0\r\nBad Trailer\r\n\r\n") != nil)
        let tiny = ParserLimits(maxHeaderBytes: 1024, maxHeaderCount: 10, maxBodyBytes: 8)
        #expect(parseError(head + "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", limits: tiny) == .bodyTooLarge(limit: 8))
        let ok = requests(parse(head + "5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n", limits: tiny).events)
        #expect(ok.first?.body == Array("helloabc".utf8))
    }

    @Test func errorDescriptionsAreSentences() {
        let errors: [HTTPParseError] = [.missingHost, .contentLengthWithChunked, .bodyTooLarge(limit: 10), .invalidChunkSize("zz")]
        for error in errors {
            #expect(error.description.hasSuffix("."))
            #expect(!error.code.isEmpty)
        }
        #expect(printableExcerpt(Array("a\u{1}b'".utf8)) == "a\\x01b\\x27")
    }
}
