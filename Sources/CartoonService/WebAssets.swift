import Foundation

/// The try-it page (`GET /`) and the API description (`GET /openapi.yaml`): the `Web` folder of this
/// target's resource bundle, read once at start.
struct WebAssets: Sendable {
    let page: StaticAsset
    let apiDescription: StaticAsset

    /// SwiftPM writes the bundle beside the executable (`swift build`, `swift test`); the Docker image
    /// copies it there too.
    static let bundleName = "cartoonify_CartoonService.resources"

    init(directory: URL) throws(WebAssetsError) {
        let html = try Self.read("index.html", in: directory)
        page = StaticAsset(body: html, contentType: "text/html; charset=utf-8", headers: [
            ("Content-Security-Policy", ContentSecurityPolicy.forPage(String(decoding: html, as: UTF8.self))),
            ("Referrer-Policy", "no-referrer"),
        ])
        apiDescription = StaticAsset(
            body: try Self.read("openapi.yaml", in: directory), contentType: "application/yaml; charset=utf-8",
            headers: [("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")])
    }

    /// Looked up by hand rather than through `Bundle.module`, which traps when the bundle is missing: a
    /// binary copied without it should fail to start with a message that says what to copy.
    static func bundled() throws(WebAssetsError) -> WebAssets {
        let folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() ?? Bundle.main.bundleURL
        let bundle = folder.appending(path: bundleName)
        guard FileManager.default.fileExists(atPath: bundle.path) else { throw .missingBundle(bundle.path) }
        return try WebAssets(directory: bundle.appending(path: "Web"))
    }

    private static func read(_ name: String, in directory: URL) throws(WebAssetsError) -> [UInt8] {
        let url = directory.appending(path: name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingFile(url.path) }
        return Array(data)
    }
}

enum WebAssetsError: Error, Equatable, CustomStringConvertible {
    case missingBundle(String)
    case missingFile(String)

    var description: String {
        switch self {
        case .missingBundle(let path):
            "The page and API description are missing: there is no \(path). "
                + "Copy the folder that swift build writes beside the executable along with it."
        case .missingFile(let path):
            "The resource bundle lacks \(path)."
        }
    }
}
