#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Serialises responses. The server owns the framing headers, so a handler cannot produce a response
/// whose Content-Length disagrees with its body.
enum ResponseEncoder {
    static let continueLine = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// `omitBody` for HEAD requests: same headers (Content-Length of the body that would be sent), no body.
    static func encode(_ response: HTTPResponse, keepAlive: Bool, omitBody: Bool, date: String) -> [UInt8] {
        let bodyless = response.status == 204 || response.status == 304 || (100..<200).contains(response.status)
        var head = "HTTP/1.1 \(response.status) \(reasonPhrase(response.status))\r\n"
        for (name, value) in response.headers where !isFramingHeader(name) && !unsafeInHeader(name, value) {
            head += "\(name): \(value)\r\n"
        }
        if !bodyless { head += "Content-Length: \(response.body.count)\r\n" }
        head += "Date: \(date)\r\n"
        head += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if !omitBody && !bodyless { bytes += response.body }
        return bytes
    }

    private static func isFramingHeader(_ name: String) -> Bool {
        equalsIgnoringCase(name, "Content-Length") || equalsIgnoringCase(name, "Transfer-Encoding")
            || equalsIgnoringCase(name, "Connection") || equalsIgnoringCase(name, "Date")
    }

    /// A CR or LF in a handler-supplied header would let it split the response; such a field is dropped.
    private static func unsafeInHeader(_ name: String, _ value: String) -> Bool {
        name.utf8.contains { !isTokenByte($0) } || value.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    /// Whether the handler asked for the connection to end after this response.
    static func requestsClose(_ response: HTTPResponse) -> Bool {
        response.headers.containsToken("close", in: "Connection")
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// IMF-fixdate (RFC 9110 §5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
    static func httpDate(secondsSinceEpoch: Int) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
