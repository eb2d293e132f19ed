/// Splits and decodes a request-target. Invalid percent escapes stay literal: rejecting them would buy
/// nothing, since routes compare decoded paths anyway.
enum RequestTarget {
    static func split(_ target: String) -> (path: String, query: [String: String]) {
        var rest = Substring(target)
        if rest.first != "/", let scheme = rest.firstRange(of: "://") {  // absolute-form: drop scheme and authority
            let afterAuthority = rest[scheme.upperBound...]
            rest = afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? "/"
            if rest.first == "?" { rest = "/" + rest }
        }
        let rawPath: Substring
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            rawPath = rest[..<mark]
            for pair in rest[rest.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let value = parts.count > 1 ? parts[1] : ""
                query[percentDecoded(parts[0], plusIsSpace: true)] = percentDecoded(value, plusIsSpace: true)
            }
        } else {
            rawPath = rest
        }
        return (percentDecoded(rawPath, plusIsSpace: false), query)
    }

    static func percentDecoded(_ text: Substring, plusIsSpace: Bool) -> String {
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
