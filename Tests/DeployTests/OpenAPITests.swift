import Foundation
import Testing

@Suite("openapi.yaml", .enabled(if: LintScript.has("json"), "PyYAML not installed"))
struct OpenAPITests {
    let spec: JSON

    init() throws {
        let documents = try LintScript.documents(["json", Repository.url(Repository.apiDescription).path])
        spec = try #require(documents.first)
    }

    /// Follows a local `$ref` (`#/components/...`) so checks see what a client sees.
    private func resolved(_ node: JSON?) -> JSON? {
        guard let reference = node?["$ref"]?.string else { return node }
        guard reference.hasPrefix("#/") else { return nil }
        return resolved(reference.dropFirst(2).split(separator: "/").reduce(spec as JSON?) { $0?[String($1)] })
    }

    private var cartoonify: JSON? { spec["paths"]?["/cartoonify"]?["post"] }

    @Test(
        "passes openapi-spec-validator",
        .enabled(if: LintScript.has("openapi"), "openapi-spec-validator not installed (pip install openapi-spec-validator)")
    )
    func validator() throws {
        let result = try LintScript.run(["openapi"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func describesEveryEndpointOfTheContract() throws {
        let paths = try #require(spec["paths"]?.object)
        #expect(Set(paths.keys) == ["/cartoonify", "/healthz", "/readyz", "/metrics", "/v1/model", "/", "/openapi.yaml"])
        #expect(cartoonify != nil)
        for path in ["/healthz", "/readyz", "/metrics", "/v1/model", "/", "/openapi.yaml"] {
            #expect(paths[path]?["get"] != nil, "GET \(path)")
        }
        #expect(paths["/readyz"]?["get"]?["responses"]?["503"] != nil, "/readyz must document its draining 503")
        for path in ["/", "/openapi.yaml"] {
            #expect(paths[path]?["get"]?["responses"]?["304"] != nil, "\(path) must document revalidation")
        }
    }

    @Test func cartoonifyTakesRawImagesOrAMultipartFile() throws {
        let content = try #require(resolved(cartoonify?["requestBody"])?["content"]?.object)
        #expect(Set(content.keys) == ["image/jpeg", "image/png", "application/octet-stream", "multipart/form-data"])
        let parameters = cartoonify?["parameters"]?.array ?? []
        let size = try #require(parameters.first { $0["name"]?.string == "size" }?["schema"])
        #expect(size["minimum"]?.int == 64 && size["maximum"]?.int == 1024)
        let crop = try #require(parameters.first { $0["name"]?.string == "crop" }?["schema"])
        #expect(crop["enum"]?.array == ["face", "center", "none"].map(JSON.string))
        let face = try #require(parameters.first { $0["name"]?.string == "face" }?["schema"])
        #expect(face["enum"]?.array == ["largest", "all"].map(JSON.string))
    }

    @Test func cartoonifyDocumentsEveryStatusWithItsHeaders() throws {
        let responses = try #require(cartoonify?["responses"]?.object)
        for status in ["200", "400", "401", "408", "411", "413", "415", "422", "503", "504"] {
            #expect(responses[status] != nil, "POST /cartoonify lacks \(status)")
        }
        let success = try #require(resolved(responses["200"]))
        #expect(success["content"]?["image/png"] != nil)
        let headers = Set(success["headers"]?.object?.keys.map { $0 } ?? [])
        #expect(headers == ["X-Request-Id", "X-Face-Detected", "X-Face-Box", "X-Face-Eyes", "X-Other-Face-Boxes",
                            "X-Inference-Ms", "Server-Timing"])
        #expect(resolved(responses["503"])?["headers"]?["Retry-After"] != nil)
        for (status, response) in responses where status != "200" {
            let schema = resolved(response)?["content"]?["application/json"]?["schema"]
            #expect(schema?["$ref"]?.string == "#/components/schemas/Error", "\(status) must answer the JSON error")
        }
    }

    @Test func errorAndModelSchemasNameTheirFields() throws {
        let error = try #require(spec["components"]?["schemas"]?["Error"])
        #expect(error["required"]?.array == ["error", "message"].map(JSON.string))
        let model = try #require(spec["components"]?["schemas"]?["ModelInfo"])
        let properties = Set(model["properties"]?.object?.keys.map { $0 } ?? [])
        #expect(properties == ["architecture", "ngf", "n_blocks", "input_size", "parameters", "sha256", "version", "metadata",
                               "face_framing"])
    }
}
