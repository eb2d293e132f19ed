import Foundation
import Imaging
import Testing

/// What other services actually run: curl, which sends `Expect: 100-continue` above 1 MiB and builds the
/// multipart body itself.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is not installed"))
struct CurlTests {
    func curl(_ arguments: [String]) throws -> (status: String, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "60", "-o", "-", "-w", "\n%{http_code}"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let newline = data.lastIndex(of: 0x0A) else { return ("", data) }
        return (String(decoding: data[(newline + 1)...], as: UTF8.self), data[..<newline])
    }

    @Test func formUploadOfALargePhotoUsesHundredContinue() throws {
        let server = try TestService()
        // Noise does not compress: a 1100x1000 JPEG at quality 100 is well over curl's 1 MiB threshold.
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<(1100 * 1000 * 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let jpeg = try JPEGEncoder.encode(try #require(RGBImage(width: 1100, height: 1000, pixels: noise)), quality: 100)
        #expect(jpeg.count > 1 << 20)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("big-\(UUID()).jpg")
        try Data(jpeg).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let (status, png) = try curl(["-F", "image=@\(file.path)", "http://127.0.0.1:\(server.port)/cartoonify?size=64"])
        #expect(status == "200")
        #expect(try ImageDecoder.decode(Array(png)).width == 64)
    }

    @Test func rawBinaryUpload() throws {
        let server = try TestService()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("small-\(UUID()).jpg")
        try Data(try Photos.jpeg()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let (status, _) = try curl(["-H", "Content-Type: image/jpeg", "--data-binary", "@\(file.path)",
                                    "http://127.0.0.1:\(server.port)/cartoonify?crop=center"])
        #expect(status == "200")
    }
}
