import Foundation
import Testing
import TestSupport
@testable import CartoonService

/// `GET /` (the try-it page) and `GET /openapi.yaml`: served from the resource bundle with a strong ETag,
/// a strict Content-Security-Policy and nosniff; `--no-ui` removes the page and nothing else.
@Suite struct WebPageTests {
    static let webFolder = PageDriver.root.appendingPathComponent("Sources/CartoonService/Web")

    @Test(arguments: [("/", "index.html", "text/html"), ("/openapi.yaml", "openapi.yaml", "application/yaml")])
    func servesTheFileInTheRepository(path: String, file: String, type: String) throws {
        let server = try TestService()
        let response = try server.send("GET", path)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "\(type); charset=utf-8")
        #expect(response.header("X-Content-Type-Options") == "nosniff")
        #expect(response.header("ETag") != nil)
        #expect(response.body == Array(try Data(contentsOf: Self.webFolder.appendingPathComponent(file))))
    }

    @Test func pageIsServedWithAStrictPolicy() throws {
        let server = try TestService()
        let policy = try #require(try server.send("GET", "/").header("Content-Security-Policy"))
        for directive in ["default-src 'none'", "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"] {
            #expect(policy.contains(directive), "\(directive)")
        }
        #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
    }

    /// Every script and style block is allowed by its hash; none may come from elsewhere.
    @Test func policyHashesEveryInlineBlockAndThePageFetchesNothingFromOutside() throws {
        let html = try String(contentsOf: Self.webFolder.appendingPathComponent("index.html"), encoding: .utf8)
        for tag in ["script", "style"] {
            let blocks = html.components(separatedBy: "<\(tag)").count - 1
            #expect(blocks >= 1 && ContentSecurityPolicy.hashes(of: tag, in: html).count == blocks, "\(tag)")
        }
        let policy = ContentSecurityPolicy.forPage(html)
        #expect(policy.contains("script-src 'sha256-") && policy.contains("style-src 'sha256-"))
        #expect(html.firstMatch(of: /(src|href)\s*=\s*["']?(https?:)?\/\//) == nil, "external reference in the page")
        #expect(!html.contains("style=\"") && !html.contains(" onclick="), "inline attributes the policy blocks")
        #expect(html.contains("href=\"/openapi.yaml\""))
    }

    @Test func hashesAreTheBase64SHA256OfEachBlocksText() {
        // echo -n 'a' | openssl dgst -sha256 -binary | base64
        #expect(ContentSecurityPolicy.hashes(of: "script", in: "<p><script>a</script><script src=x></script>")
            == ["'sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs='"])
        #expect(ContentSecurityPolicy.forPage("<p>no code</p>").contains("script-src 'none'"))
    }

    @Test func etagRevalidatesToABodiless304() throws {
        let server = try TestService()
        let first = try server.send("GET", "/")
        let etag = try #require(first.header("ETag"))
        #expect(etag.hasPrefix("\"") && etag.count == 66, "strong tag from the SHA-256: \(etag)")
        #expect(first.header("Cache-Control") == "no-cache")
        for header in [etag, "W/\(etag)", "\"other\", \(etag)", "*"] {
            let again = try server.send("GET", "/", headers: [("If-None-Match", header)])
            #expect(again.status == 304 && again.body.isEmpty && again.header("ETag") == etag, "\(header)")
        }
        #expect(try server.send("GET", "/", headers: [("If-None-Match", "\"stale\"")]).status == 200)
    }

    @Test func headAndWrongMethodsAnswerAsOnOtherRoutes() throws {
        let server = try TestService()
        let head = try server.send("HEAD", "/")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("Content-Length") == String(try server.send("GET", "/").body.count))
        let post = try server.send("POST", "/", headers: [("Content-Type", "text/plain")], body: Array("x".utf8))
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD")
        #expect(post.text.contains("\"error\":\"method_not_allowed\""))
    }

    @Test func noUILeavesTheAPIAndProbes() throws {
        let server = try TestService { $0.servesPage = false }
        let page = try server.send("GET", "/")
        #expect(page.status == 404 && page.text.contains("\"error\":\"not_found\""))
        #expect(try server.send("GET", "/openapi.yaml").status == 200)
        #expect(try server.send("GET", "/healthz").status == 200)
        #expect(try server.send("GET", "/metrics").status == 200)
        let cartoon = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: try Photos.jpeg())
        #expect(cartoon.status == 200)
    }

    @Test func missingResourcesAreNamed() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("no-web-\(UUID())")
        #expect(throws: WebAssetsError.missingFile(folder.appendingPathComponent("index.html").path)) {
            try WebAssets(directory: folder)
        }
    }
}
