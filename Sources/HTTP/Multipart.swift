#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One part of a `multipart/form-data` body.
public struct MultipartPart: Sendable, Equatable {
    /// The `name` of its Content-Disposition (the form field, e.g. "image" for `curl -F image=@me.jpg`).
    public var name: String?
    /// The `filename` (or RFC 5987 `filename*`) of its Content-Disposition.
    public var filename: String?
    public var contentType: String?
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(name: String? = nil, filename: String? = nil, contentType: String? = nil, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }
}

public enum MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    case notMultipart(String)
    case missingBoundary
    case invalidBoundary(String)
    case missingFirstBoundary
    case malformedDelimiter
    case malformedPartHeaders(String)
    case missingFinalBoundary

    public var description: String {
        switch self {
        case .notMultipart(let type): "Content-Type '\(type)' is not multipart."
        case .missingBoundary: "The multipart Content-Type has no boundary parameter."
        case .invalidBoundary(let boundary): "The multipart boundary '\(boundary)' is not 1 to 70 valid characters."
        case .missingFirstBoundary: "The multipart body does not contain its boundary."
        case .malformedDelimiter: "A multipart boundary line is followed by something other than a line break or '--'."
        case .malformedPartHeaders(let why): "Malformed multipart part headers: \(why)"
        case .missingFinalBoundary: "The multipart body is truncated: its closing boundary is missing."
        }
    }
}

/// RFC 7578 / RFC 2046 multipart parsing. Line breaks may be CRLF or bare LF (both occur in the wild);
/// a boundary string inside data only counts as a delimiter when a line break, `--` or padding follows.
public enum Multipart {
    /// Part header sections larger than this are refused (they are a few hundred bytes in practice).
    static let maxPartHeaderBytes = 16 * 1024

    public static func parse(body: [UInt8], contentType: String) throws(MultipartError) -> [MultipartPart] {
        let boundary = try self.boundary(from: contentType)
        let delimiter = Array("--\(boundary)".utf8)
        return try body.withUnsafeBufferPointer { bytes throws(MultipartError) in
            try parse(bytes, delimiter: delimiter)
        }
    }

    static func boundary(from contentType: String) throws(MultipartError) -> String {
        let (mediaType, parameters) = parseParameters(Substring(contentType))
        guard mediaType.lowercased().hasPrefix("multipart/") else { throw .notMultipart(contentType) }
        guard let boundary = parameters["boundary"] else { throw .missingBoundary }
        let allowed = boundary.utf8.allSatisfy { (0x20...0x7E).contains($0) }
        guard (1...70).contains(boundary.utf8.count), allowed, boundary.last != " " else {
            throw .invalidBoundary(printableExcerpt(Array(boundary.utf8)))
        }
        return boundary
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: [UInt8]) throws(MultipartError) -> [MultipartPart] {
        var position: Int
        if matches(bytes, at: 0, delimiter) {
            position = delimiter.count
        } else if let lineFeed = findDelimiter(bytes, delimiter, from: 0) {
            position = lineFeed + 1 + delimiter.count
        } else {
            throw .missingFirstBoundary
        }
        var parts: [MultipartPart] = []
        while true {
            // After a delimiter: "--" closes the body; otherwise padding and a line break open a part.
            if position + 1 < bytes.count, bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") {
                return parts
            }
            guard let partStart = endOfDelimiterLine(bytes, from: position) else {
                throw position >= bytes.count ? .missingFinalBoundary : .malformedDelimiter
            }
            let (headers, bodyStart) = try parseHeaders(bytes, from: partStart)
            guard let lineFeed = findDelimiter(bytes, delimiter, from: bodyStart) else { throw .missingFinalBoundary }
            var bodyEnd = lineFeed
            if bodyEnd > bodyStart && bytes[bodyEnd - 1] == 13 { bodyEnd -= 1 }
            parts.append(makePart(headers: headers, body: Array(bytes[bodyStart..<bodyEnd])))
            position = lineFeed + 1 + delimiter.count
        }
    }

    /// Skips transport padding and one line break after a delimiter; nil when something else follows.
    private static func endOfDelimiterLine(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
        if index < bytes.count && bytes[index] == 10 { return index + 1 }
        if index + 1 < bytes.count && bytes[index] == 13 && bytes[index + 1] == 10 { return index + 2 }
        return nil
    }

    /// The index of the LF that begins the next real delimiter line at or after `start`.
    private static func findDelimiter(_ bytes: UnsafeBufferPointer<UInt8>, _ delimiter: [UInt8], from start: Int) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        var index = start
        while index < bytes.count {
            guard let found = memchr(base + index, 10, bytes.count - index) else { return nil }
            let lineFeed = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            let after = lineFeed + 1 + delimiter.count
            if matches(bytes, at: lineFeed + 1, delimiter) {
                if after + 1 < bytes.count && bytes[after] == UInt8(ascii: "-") && bytes[after + 1] == UInt8(ascii: "-") { return lineFeed }
                if endOfDelimiterLine(bytes, from: after) != nil { return lineFeed }
            }
            index = lineFeed + 1
        }
        return nil
    }

    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ pattern: [UInt8]) -> Bool {
        guard start + pattern.count <= bytes.count else { return false }
        for offset in 0..<pattern.count where bytes[start + offset] != pattern[offset] { return false }
        return true
    }

    private static func parseHeaders(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws(MultipartError) -> (HTTPHeaders, Int) {
        var headers = HTTPHeaders()
        var lineStart = start
        while true {
            guard lineStart - start <= maxPartHeaderBytes else {
                throw .malformedPartHeaders("the header section exceeds \(maxPartHeaderBytes) bytes.")
            }
            var lineFeed = lineStart
            while lineFeed < bytes.count && bytes[lineFeed] != 10 { lineFeed += 1 }
            guard lineFeed < bytes.count else { throw .missingFinalBoundary }
            let lineEnd = lineFeed > lineStart && bytes[lineFeed - 1] == 13 ? lineFeed - 1 : lineFeed
            if lineEnd == lineStart { return (headers, lineFeed + 1) }
            do {
                let (name, value) = try RequestParser.parseField(ArraySlice(bytes[lineStart..<lineEnd]))
                headers.add(name, value)
            } catch {
                throw .malformedPartHeaders(error.description)
            }
            lineStart = lineFeed + 1
        }
    }

    private static func makePart(headers: HTTPHeaders, body: [UInt8]) -> MultipartPart {
        var part = MultipartPart(contentType: headers["Content-Type"], headers: headers, body: body)
        if let disposition = headers["Content-Disposition"] {
            let (_, parameters) = parseParameters(Substring(disposition))
            part.name = parameters["name"]
            part.filename = parameters["filename*"].flatMap(decodeExtendedValue) ?? parameters["filename"]
        }
        return part
    }

    /// `type; key=value; key="quoted \" value"` -> the type and lowercased keys with unquoted values.
    static func parseParameters(_ text: Substring) -> (String, [String: String]) {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        var parameters: [String: String] = [:]
        for field in fields.dropFirst() {
            let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            parameters[trimmingWhitespace(pair[0]).lowercased()] = String(trimmingWhitespace(pair[1]))
        }
        return (String(trimmingWhitespace(fields[0])), parameters)
    }

    /// RFC 5987 `charset'language'percent-encoded`; only UTF-8 (and its ASCII subset) is decoded.
    private static func decodeExtendedValue(_ value: String) -> String? {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3, ["utf-8", "us-ascii"].contains(pieces[0].lowercased()) else { return nil }
        return RequestTarget.percentDecoded(pieces[2], plusIsSpace: false)
    }
}
