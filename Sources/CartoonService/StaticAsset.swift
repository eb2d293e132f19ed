import HTTP
import NN

/// A file the server answers as-is, loaded once at start. The strong ETag is the content's SHA-256, so a
/// browser revalidates with `If-None-Match` and gets a bodiless 304 until the server ships another file.
struct StaticAsset: Sendable {
    let body: [UInt8]
    let etag: String
    let headers: HTTPHeaders

    init(body: [UInt8], contentType: String, headers extra: [(String, String)] = []) {
        self.body = body
        etag = "\"\(SHA256.hex(of: body))\""
        var headers = HTTPHeaders([
            ("Content-Type", contentType), ("ETag", etag), ("Cache-Control", "no-cache"),
            ("X-Content-Type-Options", "nosniff"),
        ])
        for (name, value) in extra { headers.set(name, value) }
        self.headers = headers
    }

    /// 304 when `If-None-Match` names this version (weak comparison, as RFC 9110 §13.1.2 asks), else 200.
    func response(ifNoneMatch: String?) -> HTTPResponse {
        let matches = ifNoneMatch.map { header in
            header.split(separator: ",").contains { candidate in
                let tag = candidate.trimmingCharacters(in: .whitespaces)
                return tag == "*" || tag == etag || tag == "W/" + etag
            }
        } ?? false
        return HTTPResponse(status: matches ? 304 : 200, headers: headers, body: matches ? [] : body)
    }
}
