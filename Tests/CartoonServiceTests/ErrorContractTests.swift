import Dispatch
import Foundation
import Imaging
import Testing
import TestSupport
@testable import CartoonService

/// Every error status of the contract, provoked over a real socket, with its JSON body.
@Suite struct ErrorContractTests {
    struct ErrorBody: Decodable { var error: String; var message: String }

    func errorBody(_ response: RawHTTPClient.Response) throws -> ErrorBody {
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
        return try JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
    }

    @Test func unknownPathIs404() throws {
        let response = try TestService().send("GET", "/cartoonify/extra")
        #expect(response.status == 404)
        #expect(try errorBody(response).error == "not_found")
    }

    @Test func wrongMethodIs405WithAllow() throws {
        let server = try TestService()
        let get = try server.send("GET", "/cartoonify")
        #expect(get.status == 405)
        #expect(get.header("Allow") == "POST")
        #expect(try errorBody(get).error == "method_not_allowed")
        #expect(try server.send("POST", "/healthz").status == 405)
    }

    @Test func badQueryIs400() throws {
        let response = try TestService().send("POST", "/cartoonify?size=5000", headers: [("Content-Type", "image/jpeg")],
                                              body: try Photos.jpeg())
        #expect(response.status == 400)
        #expect(try errorBody(response).message.contains("size"))
    }

    @Test func emptyBodyIs400() throws {
        let response = try TestService().send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")])
        #expect(response.status == 400)
    }

    @Test func multipartWithoutAFileIs400() throws {
        let boundary = "XyZ"
        let body = Array("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--XyZ--\r\n".utf8)
        let response = try TestService().send("POST", "/cartoonify",
                                              headers: [("Content-Type", "multipart/form-data; boundary=\(boundary)")], body: body)
        #expect(response.status == 400)
    }

    @Test func textBodyIs415() throws {
        let response = try TestService().send("POST", "/cartoonify", headers: [("Content-Type", "text/plain")],
                                              body: Array("hello".utf8))
        #expect(response.status == 415)
        #expect(try errorBody(response).error == "unsupported_media_type")
    }

    @Test func gifIs415AndNamed() throws {
        let gif = Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 64)
        let response = try TestService().send("POST", "/cartoonify", headers: [("Content-Type", "application/octet-stream")], body: gif)
        #expect(response.status == 415)
        #expect(try errorBody(response).message.contains("GIF"))
    }

    @Test func corruptJPEGIs422() throws {
        var jpeg = try Photos.jpeg()
        jpeg.removeLast(jpeg.count / 2)
        jpeg += [UInt8](repeating: 0x55, count: 100)
        let response = try TestService().send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: jpeg)
        #expect(response.status == 422)
        #expect(try errorBody(response).error == "unprocessable_image")
    }

    @Test func pixelBombIs422() throws {
        let server = try TestService { $0.decodeLimits = DecodeLimits(maxPixels: 64 * 64, maxEdge: 20_000) }
        let response = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/png")],
                                       body: try Photos.png(width: 65, height: 65))
        #expect(response.status == 422)
    }

    @Test func oversizedBodyIs413() throws {
        let server = try TestService { $0.http.maxBodyBytes = 1000 }
        let response = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")],
                                       body: [UInt8](repeating: 0xFF, count: 5000))
        #expect(response.status == 413)
    }

    @Test func apiKeyGuardsCartoonifyButNotHealth() throws {
        let server = try TestService { $0.apiKey = "k3y" }
        let jpeg = try Photos.jpeg()
        let refused = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: jpeg)
        #expect(refused.status == 401)
        #expect(try errorBody(refused).error == "unauthorized")
        let admitted = try server.send("POST", "/cartoonify?crop=center",
                                       headers: [("Content-Type", "image/jpeg"), ("Authorization", "Bearer k3y")], body: jpeg)
        #expect(admitted.status == 200)
        #expect(try server.send("GET", "/healthz").status == 200)
    }

    @Test func fullQueueIs503WithRetryAfter() throws {
        let server = try TestService {
            $0.workers = 1
            $0.queueDepth = 0
        }
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        #expect(server.service.pool.submit { _ in started.signal(); gate.wait() })
        started.wait()
        defer { gate.signal() }
        let response = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: try Photos.jpeg())
        #expect(response.status == 503)
        #expect(response.header("Retry-After") != nil)
        #expect(try errorBody(response).error == "queue_full")
    }

    @Test func requestThatWaitedPastItsDeadlineIs504() throws {
        let server = try TestService {
            $0.workers = 1
            $0.queueDepth = 4
            $0.requestTimeout = .milliseconds(50)
        }
        let started = DispatchSemaphore(value: 0)
        #expect(server.service.pool.submit { _ in started.signal(); Thread.sleep(forTimeInterval: 0.4) })
        started.wait()
        let response = try server.send("POST", "/cartoonify", headers: [("Content-Type", "image/jpeg")], body: try Photos.jpeg())
        #expect(response.status == 504)
        #expect(try errorBody(response).error == "deadline_exceeded")
    }
}
