import Testing
@testable import HTTP

/// A body shaped like `curl -F name=Ada -F image=@me.jpg` sends, with binary data that contains CRLFs
/// and a near-miss of the boundary.
private let curlBoundary = "------------------------d74496d66958873e"
private let imageBytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 13, 10, 45, 45, 13, 10] + Array("\r\n--\(curlBoundary)X not a delimiter".utf8) + [0, 0xFF, 0xD9]
private let curlBody: [UInt8] =
    Array("--\(curlBoundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n".utf8)
    + Array("--\(curlBoundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"me.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
    + imageBytes
    + Array("\r\n--\(curlBoundary)--\r\n".utf8)
private let curlContentType = "multipart/form-data; boundary=\(curlBoundary)"

@Suite("Multipart")
struct MultipartTests {
    @Test func curlStyleBody() throws {
        let parts = try Multipart.parse(body: curlBody, contentType: curlContentType)
        #expect(parts.count == 2)
        #expect(parts[0].name == "name")
        #expect(parts[0].filename == nil)
        #expect(parts[0].body == Array("Ada".utf8))
        #expect(parts[1].name == "image")
        #expect(parts[1].filename == "me.jpg")
        #expect(parts[1].contentType == "image/jpeg")
        #expect(parts[1].headers["content-disposition"]?.hasPrefix("form-data") == true)
        #expect(parts[1].body == imageBytes)
    }

    @Test func quotedBoundaryWithSpacesPreambleAndEpilogue() throws {
        let body = Array("""
            This is the preamble.\r
            --simple boundary\r
            Content-Disposition: form-data; name="a"\r
            \r
            first\r
            --simple boundary  \r
            Content-Disposition: form-data; name="b"; filename="x \\"quoted\\".png"\r
            \r
            \r
            --simple boundary--\r
            This is the epilogue.
            """.utf8)
        let parts = try Multipart.parse(body: body, contentType: "Multipart/Form-Data; charset=utf-8; Boundary=\"simple boundary\"")
        #expect(parts.map(\.name) == ["a", "b"])
        #expect(parts[0].body == Array("first".utf8))
        #expect(parts[1].filename == "x \"quoted\".png")
        #expect(parts[1].body.isEmpty)
    }

    @Test func bareLineFeeds() throws {
        let body = Array("--b\nContent-Disposition: form-data; name=\"f\"\n\nline1\nline2\n--b--\n".utf8)
        let parts = try Multipart.parse(body: body, contentType: "multipart/form-data; boundary=b")
        #expect(parts.count == 1)
        #expect(parts[0].body == Array("line1\nline2".utf8))
    }

    @Test func extendedFilename() throws {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"plain.jpg\"; filename*=UTF-8''caf%C3%A9.jpg\r\n\r\nx\r\n--b--".utf8)
        let parts = try Multipart.parse(body: body, contentType: "multipart/form-data; boundary=b")
        #expect(parts.first?.filename == "café.jpg")
    }

    @Test func missingFinalBoundary() {
        var truncated = curlBody
        truncated.removeLast("--\(curlBoundary)--\r\n".utf8.count)
        #expect(throws: MultipartError.missingFinalBoundary) { try Multipart.parse(body: truncated, contentType: curlContentType) }
    }

    @Test func everyTruncationIsAnErrorNotACrash() {
        let complete = curlBody.count - 2  // the trailing CRLF after the closing delimiter is optional
        for length in 0..<complete {
            #expect(throws: MultipartError.self, "prefix of \(length) bytes") {
                try Multipart.parse(body: Array(curlBody[..<length]), contentType: curlContentType)
            }
        }
        #expect((try? Multipart.parse(body: Array(curlBody[..<complete]), contentType: curlContentType))?.count == 2)
    }

    @Test func badContentTypes() {
        #expect(throws: MultipartError.notMultipart("image/png")) { try Multipart.parse(body: [], contentType: "image/png") }
        #expect(throws: MultipartError.missingBoundary) { try Multipart.parse(body: [], contentType: "multipart/form-data") }
        #expect(throws: MultipartError.invalidBoundary("")) { try Multipart.parse(body: [], contentType: "multipart/form-data; boundary=\"\"") }
        let long = String(repeating: "x", count: 71)
        #expect(throws: MultipartError.invalidBoundary(printableExcerpt(Array(long.utf8)))) {
            try Multipart.parse(body: [], contentType: "multipart/form-data; boundary=\(long)")
        }
    }

    @Test func malformedBodies() {
        let type = "multipart/form-data; boundary=b"
        #expect(throws: MultipartError.missingFirstBoundary) { try Multipart.parse(body: Array("no delimiter here".utf8), contentType: type) }
        #expect(throws: MultipartError.malformedDelimiter) { try Multipart.parse(body: Array("--b junk\r\n\r\nx\r\n--b--".utf8), contentType: type) }
        #expect(throws: MultipartError.self) { try Multipart.parse(body: Array("--b\r\nBad Header\r\n\r\nx\r\n--b--".utf8), contentType: type) }
        #expect(throws: MultipartError.missingFinalBoundary) { try Multipart.parse(body: Array("--b\r\nX: 1\r\n".utf8), contentType: type) }
    }

    @Test func errorsDescribeTheProblem() {
        #expect(MultipartError.missingFinalBoundary.description.contains("closing boundary"))
        #expect(MultipartError.notMultipart("text/plain").description.contains("text/plain"))
    }
}
