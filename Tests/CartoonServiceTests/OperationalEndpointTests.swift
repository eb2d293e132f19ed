import Foundation
import NN
import Testing
import TestSupport
@testable import CartoonService

/// The endpoints orchestration and operators use: health, readiness, model, metrics.
@Suite struct OperationalEndpointTests {
    @Test func readinessFollowsTheModelAndDraining() throws {
        let server = try TestService(loadModel: false)
        #expect(try server.send("GET", "/healthz").status == 200)
        let starting = try server.send("GET", "/readyz")
        #expect(starting.status == 503)
        #expect(starting.text.contains("starting"))
        #expect(try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: try Photos.jpeg()).status == 503)
        try server.service.loadModel()
        #expect(try server.send("GET", "/readyz").status == 200)
    }

    @Test func headAnswersHeadersOnly() throws {
        let server = try TestService()
        let client = try RawHTTPClient(port: server.port)
        try client.send(httpRequest("HEAD", "/healthz"))
        let head = try client.readResponse(head: true)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == String(#"{"status":"ok"}"#.utf8.count))
        try client.send(httpRequest("GET", "/healthz"))
        #expect(try client.readResponse().text == #"{"status":"ok"}"#)
    }

    @Test func modelEndpointDescribesTheLoadedWeights() throws {
        let server = try TestService()
        let response = try server.send("GET", "/v1/model")
        #expect(response.status == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["architecture"] as? String == "resnet")
        #expect(object["ngf"] as? Int == TinyModel.config.ngf)
        #expect(object["n_blocks"] as? Int == TinyModel.config.nBlocks)
        #expect(object["input_size"] as? Int == TinyModel.config.inputSize)
        #expect((object["parameters"] as? Int ?? 0) > 0)
        #expect((object["sha256"] as? String)?.count == 64)
        #expect(object["version"] as? String == CartoonifyVersion.current)
        // Weights without face framing metadata get CelebA's box framing and eye targets derived from it.
        let framing = try #require(object["face_framing"] as? [String: Any])
        #expect(framing["eyes_source"] as? String == "derived")
        #expect(framing["box_side"] as? Double == 1.6 && framing["box_raise"] as? Double == 0.12)
        #expect((framing["eyes"] as? [Double])?.count == 4)
    }

    @Test func faceFramingMetadataIsReadAndShown() throws {
        var metadata = Generator.metadata(for: TinyModel.config)
        metadata["face_eyes"] = "0.284,0.291,0.678,0.291"
        metadata["face_box"] = "1.0,-0.085"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("framed-\(UUID()).safetensors")
        try SafeTensorsFile(tensors: Generator.randomWeights(config: TinyModel.config, seed: 7), metadata: metadata).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let server = try TestService { $0.weightsPath = url.path }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(server.send("GET", "/v1/model").body)) as? [String: Any])
        let framing = try #require(object["face_framing"] as? [String: Any])
        #expect(framing["eyes_source"] as? String == "metadata")
        #expect(framing["eyes"] as? [Double] == [0.284, 0.291, 0.678, 0.291])
        #expect(framing["box_side"] as? Double == 1.0 && framing["box_raise"] as? Double == -0.085)
    }

    @Test func malformedFaceFramingMetadataIsALoadErrorNamingTheKey() throws {
        var metadata = Generator.metadata(for: TinyModel.config)
        metadata["face_eyes"] = "0.3,0.3"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("badframe-\(UUID()).safetensors")
        try SafeTensorsFile(tensors: Generator.randomWeights(config: TinyModel.config, seed: 7), metadata: metadata).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let server = try TestService(loadModel: false) { $0.weightsPath = url.path }
        #expect {
            try server.service.loadModel()
        } throws: { error in
            "\(error)" == "weights metadata 'face_eyes' = '0.3,0.3': expected 4 comma-separated numbers"
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() throws {
        let server = try TestService()
        _ = try server.send("POST", "/cartoonify?crop=center", headers: [("Content-Type", "image/jpeg")], body: try Photos.jpeg())
        _ = try server.send("GET", "/missing")
        let text = try server.send("GET", "/metrics").text
        #expect(text.contains(#"cartoonify_http_requests_total{route="/cartoonify",status="200"} 1"#))
        #expect(text.contains(#"cartoonify_http_requests_total{route="other",status="404"} 1"#))
        #expect(text.contains("cartoonify_inference_duration_seconds_count 1"))
        #expect(text.contains(#"cartoonify_stage_duration_seconds_count{stage="decode"} 1"#))
        #expect(text.contains("cartoonify_queue_depth 0"))
    }

    @Test func metricsCanMoveToTheirOwnPort() throws {
        let server = try TestService { $0.metricsPort = 0 }
        #expect(try server.send("GET", "/metrics").status == 404)
        let client = try RawHTTPClient(port: try #require(server.metricsPort))
        try client.send(httpRequest("GET", "/metrics"))
        let metrics = try client.readResponse()
        #expect(metrics.status == 200)
        #expect(metrics.text.contains("cartoonify_queue_depth"))
    }
}
