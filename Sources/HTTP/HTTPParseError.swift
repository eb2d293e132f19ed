/// Why a request could not be read. Each case maps to the status and JSON error code the server answers
/// with before closing the connection (the framing after a bad request cannot be trusted).
public enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case headersTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case malformedRequestLine(String)
    case unsupportedVersion(String)
    case malformedHeader(String)
    case obsoleteLineFolding
    case bareLineFeed
    case missingHost
    case multipleHost
    case invalidContentLength(String)
    case multipleContentLength
    case contentLengthWithChunked
    case transferEncodingInHTTP10
    case chunkedNotFinal(String)
    case unsupportedTransferEncoding(String)
    case lengthRequired(method: String)
    case bodyTooLarge(limit: Int)
    case invalidChunkSize(String)
    case malformedChunk(String)

    public var status: Int {
        switch self {
        case .headersTooLarge, .tooManyHeaders: 431
        case .unsupportedVersion: 505
        case .unsupportedTransferEncoding: 501
        case .lengthRequired: 411
        case .bodyTooLarge: 413
        default: 400
        }
    }

    /// The machine-readable `error` field of the JSON error body.
    public var code: String {
        switch status {
        case 431: "headers_too_large"
        case 505: "http_version_not_supported"
        case 501: "not_implemented"
        case 411: "length_required"
        case 413: "payload_too_large"
        default: "bad_request"
        }
    }

    public var description: String {
        switch self {
        case .headersTooLarge(let limit): "The request line and headers exceed \(limit) bytes."
        case .tooManyHeaders(let limit): "The request has more than \(limit) header fields."
        case .malformedRequestLine(let why): "Malformed request line: \(why)."
        case .unsupportedVersion(let version): "HTTP version \(version) is not supported; use HTTP/1.1 or HTTP/1.0."
        case .malformedHeader(let why): "Malformed header field: \(why)."
        case .obsoleteLineFolding: "Header line folding (obs-fold) is not allowed."
        case .bareLineFeed: "Lines in the request head must end with CRLF, not a bare LF."
        case .missingHost: "An HTTP/1.1 request needs exactly one Host header; it has none."
        case .multipleHost: "The request has more than one Host header."
        case .invalidContentLength(let value): "Content-Length '\(value)' is not a non-negative decimal integer."
        case .multipleContentLength: "The request has more than one Content-Length value."
        case .contentLengthWithChunked: "The request has both Content-Length and Transfer-Encoding."
        case .transferEncodingInHTTP10: "Transfer-Encoding is not allowed in an HTTP/1.0 request."
        case .chunkedNotFinal(let codings): "Transfer-Encoding '\(codings)' does not end with chunked."
        case .unsupportedTransferEncoding(let codings): "Transfer-Encoding '\(codings)' is not supported; only chunked is."
        case .lengthRequired(let method): "A \(method) request needs a Content-Length or chunked Transfer-Encoding."
        case .bodyTooLarge(let limit): "The request body exceeds the limit of \(limit) bytes."
        case .invalidChunkSize(let line): "Invalid chunk size line '\(line)'."
        case .malformedChunk(let why): "Malformed chunked body: \(why)."
        }
    }
}

/// A short, printable excerpt of untrusted bytes for error messages (never echo raw control bytes).
func printableExcerpt<C: Collection<UInt8>>(_ bytes: C, limit: Int = 64) -> String {
    var text = ""
    for byte in bytes.prefix(limit) {
        text += (0x20...0x7E).contains(byte) && byte != UInt8(ascii: "'") ? String(UnicodeScalar(byte))
            : "\\x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }
    return bytes.count > limit ? text + "..." : text
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
