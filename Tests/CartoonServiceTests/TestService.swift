import Foundation
import Imaging
import Logging
import NN
import TestSupport
@testable import CartoonService

/// A tiny generator (ngf 4, 1 block, 64 px) written to a real weights file and loaded the way the server
/// loads one, so the tests exercise the loader too and stay fast.
enum TinyModel {
    static let config = GeneratorConfig(architecture: .resnet, ngf: 4, nBlocks: 1, inputSize: 64)

    static let weightsURL: URL = {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("cartoonify-tiny-\(ProcessInfo.processInfo.processIdentifier).safetensors")
        let file = SafeTensorsFile(tensors: Generator.randomWeights(config: config, seed: 7), metadata: Generator.metadata(for: config))
        try? file.write(to: url)
        return url
    }()

    static func load() throws -> LoadedGenerator {
        try Generator.load(from: weightsURL)
    }
}

/// A real server on an ephemeral loopback port.
final class TestService {
    let service: CartoonService
    let port: Int
    let metricsPort: Int?

    init(loadModel: Bool = true, configure: (inout ServiceConfiguration) -> Void = { _ in }) throws {
        var config = ServiceConfiguration()
        config.http.host = "127.0.0.1"
        config.http.port = 0
        config.workers = 2
        config.weightsPath = TinyModel.weightsURL.path
        configure(&config)
        service = CartoonService(configuration: config, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        (port, metricsPort) = try service.start()
        if loadModel { try service.loadModel() }
    }

    deinit { _ = service.drain() }

    /// One request on a fresh connection.
    func send(_ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []) throws
        -> RawHTTPClient.Response
    {
        let client = try RawHTTPClient(port: port)
        try client.send(httpRequest(method, target, headers: headers, body: body))
        return try client.readResponse(head: method == "HEAD")
    }
}

enum Photos {
    /// A smooth colour gradient: decodes the same everywhere, compresses well.
    static func gradient(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8(x * 255 / max(1, width - 1))
                pixels[i + 1] = UInt8(y * 255 / max(1, height - 1))
                pixels[i + 2] = UInt8((x + y) * 255 / max(1, width + height - 2))
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels) ?? RGBImage(width: width, height: height)
    }

    static func jpeg(width: Int = 96, height: Int = 80) throws -> [UInt8] {
        try JPEGEncoder.encode(gradient(width: width, height: height), quality: 90)
    }

    static func png(width: Int, height: Int) throws -> [UInt8] {
        try PNGEncoder.encode(gradient(width: width, height: height))
    }

    /// A multipart/form-data body as curl -F writes it.
    static func multipart(field: String = "image", filename: String = "me.jpg", type: String = "image/jpeg",
                          bytes: [UInt8], boundary: String = "------------------------a1b2c3d4") -> [UInt8] {
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        body += bytes
        body += Array("\r\n--\(boundary)--\r\n".utf8)
        return body
    }
}
