import Foundation
import NN

/// The page's Content-Security-Policy. The page keeps its script and style inline (one self-contained
/// file), so the policy allows exactly those blocks by their SHA-256 instead of `'unsafe-inline'`: an
/// injected script or style attribute would not run. Everything else is same-origin or the page's own
/// blob URLs (the photo and the cartoon).
enum ContentSecurityPolicy {
    static func forPage(_ html: String) -> String {
        let allowed = { (tag: String) in hashes(of: tag, in: html).joined(separator: " ").nonEmpty ?? "'none'" }
        return [
            "default-src 'none'", "script-src \(allowed("script"))", "style-src \(allowed("style"))",
            "img-src 'self' blob: data:", "media-src 'self' blob: mediastream:", "connect-src 'self'",
            "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// `'sha256-…'` of the text of every `<tag>…</tag>` element written without attributes. An element
    /// with attributes is left out on purpose: the browser blocks it, and the browser test notices.
    static func hashes(of tag: String, in html: String) -> [String] {
        var found: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<\(tag)>"), let close = rest[open.upperBound...].range(of: "</\(tag)>") {
            let digest = Data(sha256(Array(rest[open.upperBound..<close.lowerBound].utf8))).base64EncodedString()
            found.append("'sha256-\(digest)'")
            rest = rest[close.upperBound...]
        }
        return found
    }

    private static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
