/// How a request body is delimited (RFC 9112 §6).
enum BodyFraming: Equatable, Sendable {
    case none
    case length(Int)
    case chunked
}

struct ParserLimits: Sendable, Equatable {
    var maxHeaderBytes: Int
    var maxHeaderCount: Int
    var maxBodyBytes: Int
}

/// The request line and headers, reported before the body so the server can answer `100 Continue`,
/// switch from the header to the body timeout, or refuse early.
struct RequestHead: Sendable, Equatable {
    var method: String
    var target: String
    var version: String
    var headers: HTTPHeaders
    var framing: BodyFraming
    var expectsContinue: Bool
    var keepAlive: Bool
}

enum ParseEvent: Equatable {
    case head(RequestHead)
    /// `wireBytes`: everything the message took on the wire (head, framing, body, trailers).
    case request(HTTPRequest, wireBytes: Int)
}

/// Incremental HTTP/1.1 request parser. Bytes go in with `append` in pieces of any size; `next()` yields
/// the events they complete. Its output never depends on how the input was split: it only ever acts on
/// complete lines and counts, never on what one `append` happened to contain.
struct RequestParser {
    private enum State: Equatable {
        case requestLine
        case headerLines
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerLines
    }

    /// Chunk-size lines (size plus tolerated extensions) longer than this are refused.
    static let maxChunkLineBytes = 4096

    let limits: ParserLimits
    private var buffer: [UInt8] = []
    private var start = 0
    /// No LF in `start..<scanned`: the search for the end of a line resumes here instead of rescanning.
    private var scanned = 0
    private var state = State.requestLine
    private var headBytes = 0
    private var fieldCount = 0
    private var requestLine: (method: String, target: String, version: String)?
    private var fields: [(String, String)] = []
    private var head: RequestHead?
    private var body: [UInt8] = []
    private var messageBytes = 0

    init(limits: ParserLimits) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed (pipelined requests, or the unread rest of this one).
    var bufferedByteCount: Int { buffer.count - start }

    /// Bytes of the message in progress consumed so far (what a refused request cost on the wire).
    var consumedByteCount: Int { messageBytes }

    /// True between messages with nothing buffered: the connection is idle, not slow.
    var isIdle: Bool { state == .requestLine && headBytes == 0 && bufferedByteCount == 0 }

    /// Method and target of the message being read, once its request line is known (for error logs).
    var currentRequestLine: (method: String, target: String)? {
        requestLine.map { ($0.method, $0.target) }
    }

    mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 16 * 1024)  // idle connections keep little
            scanned = 0
            start = 0
        } else if start >= 4096 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    mutating func next() throws(HTTPParseError) -> ParseEvent? {
        while true {
            switch state {
            case .requestLine:
                guard let line = try nextHeadLine() else { return nil }
                if line.isEmpty { continue }  // RFC 9112 §2.2: tolerate blank lines before a request
                requestLine = try Self.parseRequestLine(buffer[line])
                state = .headerLines
            case .headerLines:
                guard let line = try nextHeadLine() else { return nil }
                if line.isEmpty {
                    let head = try finishHead()
                    self.head = head
                    switch head.framing {
                    case .none: state = .fixedBody(remaining: 0)
                    case .length(let length): state = .fixedBody(remaining: length)
                    case .chunked: state = .chunkSize
                    }
                    return .head(head)
                }
                fields.append(try parseField(buffer[line]))
            case .fixedBody(let remaining):
                if remaining == 0 { return complete() }
                let count = min(remaining, bufferedByteCount)
                if count == 0 { return nil }
                takeBody(count)
                state = .fixedBody(remaining: remaining - count)
            case .chunkSize:
                guard let line = try nextLine(limit: Self.maxChunkLineBytes) else { return nil }
                let size = try Self.parseChunkSize(buffer[line])
                if size == 0 {
                    headBytes = 0
                    fieldCount = 0
                    state = .trailerLines
                } else {
                    guard size <= limits.maxBodyBytes - body.count else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
                    state = .chunkData(remaining: size)
                }
            case .chunkData(let remaining):
                let count = min(remaining, bufferedByteCount)
                if count == 0 { return nil }
                takeBody(count)
                state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
            case .chunkDataEnd:
                let available = bufferedByteCount
                if available >= 1 && buffer[start] != 13 || available >= 2 && buffer[start + 1] != 10 {
                    throw .malformedChunk("chunk data is not followed by CRLF")
                }
                if available < 2 { return nil }
                consume(2)
                state = .chunkSize
            case .trailerLines:
                guard let line = try nextHeadLine() else { return nil }
                if line.isEmpty { return complete() }
                _ = try parseField(buffer[line])  // trailers are validated, then dropped: nothing here uses them
            }
        }
    }

    // MARK: Lines

    /// The next line of the head or trailer section, charged against the header size limit.
    private mutating func nextHeadLine() throws(HTTPParseError) -> Range<Int>? {
        let budget = limits.maxHeaderBytes - headBytes
        guard let line = try nextLine(limit: budget) else { return nil }
        headBytes += line.count + 2
        return line
    }

    /// The next CRLF-terminated line without its CRLF, or nil until it is complete. A line longer than
    /// `limit` (CRLF included) fails as soon as that is certain, so a peer cannot make us buffer it.
    private mutating func nextLine(limit: Int) throws(HTTPParseError) -> Range<Int>? {
        let from = max(scanned, start)
        guard let lf = buffer[from...].firstIndex(of: 10) else {
            scanned = buffer.count
            if buffer.count - start > limit { throw lineTooLong() }
            return nil
        }
        if lf + 1 - start > limit { throw lineTooLong() }
        guard lf > start, buffer[lf - 1] == 13 else { throw .bareLineFeed }
        let line = start..<(lf - 1)
        consume(lf + 1 - start)
        return line
    }

    private func lineTooLong() -> HTTPParseError {
        switch state {
        case .chunkSize: .malformedChunk("chunk size line longer than \(Self.maxChunkLineBytes) bytes")
        default: .headersTooLarge(limit: limits.maxHeaderBytes)
        }
    }

    private mutating func consume(_ count: Int) {
        start += count
        messageBytes += count
    }

    private mutating func takeBody(_ count: Int) {
        if body.isEmpty, case .length(let length) = head?.framing {
            body.reserveCapacity(min(length, 64 * 1024))  // grow with what arrives, not what was declared
        }
        body.append(contentsOf: buffer[start..<(start + count)])
        consume(count)
    }

    private mutating func complete() -> ParseEvent {
        guard let head else { preconditionFailure("a body state is only entered after the head") }
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version, headers: head.headers, body: body)
        let wireBytes = messageBytes
        self.head = nil
        requestLine = nil
        fields = []
        body = []
        headBytes = 0
        fieldCount = 0
        messageBytes = 0
        state = .requestLine
        return .request(request, wireBytes: wireBytes)
    }

    // MARK: Grammar

    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (method: String, target: String, version: String) {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .malformedRequestLine("expected 'METHOD target HTTP/1.1' with single spaces, got '\(printableExcerpt(line))'")
        }
        let (method, target, version) = (parts[0], parts[1], parts[2])
        guard !method.isEmpty, method.allSatisfy(isTokenByte) else {
            throw .malformedRequestLine("invalid method '\(printableExcerpt(method))'")
        }
        guard !target.isEmpty, target.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .malformedRequestLine("invalid request target '\(printableExcerpt(target))'")
        }
        let versionText = String(decoding: version, as: UTF8.self)
        switch versionText {
        case "HTTP/1.1", "HTTP/1.0":
            break
        default:
            let digits = version.dropFirst(5)
            let wellFormed = version.starts(with: Array("HTTP/".utf8))
                && (digits.count == 1 && isDigit(digits[digits.startIndex])
                    || digits.count == 3 && isDigit(digits[digits.startIndex]) && digits[digits.startIndex + 1] == UInt8(ascii: ".")
                        && isDigit(digits[digits.startIndex + 2]))
            if wellFormed { throw .unsupportedVersion(versionText) }
            throw .malformedRequestLine("invalid HTTP version '\(printableExcerpt(version))'")
        }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), versionText)
    }

    private mutating func parseField(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, String) {
        fieldCount += 1
        guard fieldCount <= limits.maxHeaderCount else { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
        return try Self.parseField(line)
    }

    static func parseField(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, String) {
        if let first = line.first, first == 32 || first == 9 { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            throw .malformedHeader("no ':' in '\(printableExcerpt(line))'")
        }
        let name = line[..<colon]
        guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
            throw .malformedHeader("invalid field name '\(printableExcerpt(name))'")
        }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == 32 || byte == 9 { value.removeFirst() }
        while let byte = value.last, byte == 32 || byte == 9 { value.removeLast() }
        guard value.allSatisfy({ $0 == 9 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .malformedHeader("control character in the value of '\(printableExcerpt(name))'")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    /// `chunk-size [ chunk-ext ]`: hex digits, then optionally whitespace and `;`-introduced extensions,
    /// which are tolerated and ignored.
    static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = RequestTarget.hexValue(line[index]) {
            let (shifted, overflow) = size.multipliedReportingOverflow(by: 16)
            guard !overflow else { throw .invalidChunkSize(printableExcerpt(line)) }
            size = shifted + Int(digit)
            index += 1
        }
        guard index > line.startIndex else { throw .invalidChunkSize(printableExcerpt(line)) }
        var rest = line[index...]
        while let byte = rest.first, byte == 32 || byte == 9 { rest.removeFirst() }
        guard rest.isEmpty || rest.first == UInt8(ascii: ";") else { throw .invalidChunkSize(printableExcerpt(line)) }
        guard rest.allSatisfy({ $0 == 9 || ($0 >= 0x20 && $0 != 0x7F) }) else { throw .invalidChunkSize(printableExcerpt(line)) }
        return size
    }

    private func finishHead() throws(HTTPParseError) -> RequestHead {
        guard let (method, target, version) = requestLine else { preconditionFailure("headers are only read after the request line") }
        let headers = HTTPHeaders(fields)
        let hosts = headers.values(for: "Host")
        if hosts.count > 1 { throw .multipleHost }
        if hosts.isEmpty && version == "HTTP/1.1" { throw .missingHost }

        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        let framing: BodyFraming
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.1: both together is how requests are smuggled past proxies; refuse, don't guess.
            if !contentLengths.isEmpty { throw .contentLengthWithChunked }
            if version == "HTTP/1.0" { throw .transferEncodingInHTTP10 }
            let listed = transferEncodings.joined(separator: ", ")
            let codings = transferEncodings.flatMap { $0.split(separator: ",") }.map { trimmingWhitespace($0).lowercased() }.filter { !$0.isEmpty }
            guard codings.last == "chunked" else { throw .chunkedNotFinal(listed) }
            guard codings.count == 1 else { throw .unsupportedTransferEncoding(listed) }
            framing = .chunked
        } else if !contentLengths.isEmpty {
            guard contentLengths.count == 1, !contentLengths[0].contains(",") else { throw .multipleContentLength }
            let text = contentLengths[0]
            guard !text.isEmpty, text.utf8.allSatisfy(isDigit), let length = Int(text) else {
                throw .invalidContentLength(printableExcerpt(Array(text.utf8)))
            }
            guard length <= limits.maxBodyBytes else { throw .bodyTooLarge(limit: limits.maxBodyBytes) }
            framing = length == 0 ? .none : .length(length)
        } else if method == "POST" || method == "PUT" {
            throw .lengthRequired(method: method)
        } else {
            framing = .none
        }

        let keepAlive = version == "HTTP/1.1"
            ? !headers.containsToken("close", in: "Connection")
            : headers.containsToken("keep-alive", in: "Connection") && !headers.containsToken("close", in: "Connection")
        let expectsContinue = version == "HTTP/1.1" && headers["Expect"].map { equalsIgnoringCase($0, "100-continue") } == true
        return RequestHead(method: method, target: target, version: version, headers: headers, framing: framing,
                           expectsContinue: expectsContinue && framing != .none, keepAlive: keepAlive)
    }
}

@inline(__always)
func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

/// RFC 9110 `tchar`.
@inline(__always)
func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), 48...57: true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
         UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
         UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
    default: false
    }
}
