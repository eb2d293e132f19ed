import Foundation
import Imaging
import Testing
import TestSupport

/// The try-it page in headless Chromium against the real `cartoonify-server` binary and its bundled
/// weights, driven by scripts/checks/page_in_browser.py (the DevTools protocol over a pipe, standard library
/// only). Skips where Debian's `chromium` is not installed; `.ci/run` installs it.
@Suite(.serialized, .enabled(if: PageDriver.available, "chromium or python3 is not installed (apt-get install chromium)"))
struct BrowserTests {
    static let portrait = PageDriver.root.appendingPathComponent("Tests/FaceDetectionTests/Fixtures/grace_hopper.jpg")

    /// Upload, wait, compare: the page shows exactly the PNG the API answers a direct POST of the same
    /// photo and options, pixel for pixel, and offers it for download. Whatever weights are bundled, the
    /// two answers come from the same server, so the test holds for untrained and trained ones alike.
    @Test func pageShowsTheCartoonTheAPIReturns() throws {
        let server = try PageServer()
        let photo = Array(try Data(contentsOf: Self.portrait))
        let direct = try server.post(photo, query: "size=256&crop=face")
        #expect(direct.status == 200)

        let output = try PageDriver.outputFolder()
        let screenshot = output.appendingPathComponent("try-it.png")
        let run = try PageDriver.run(port: server.port, arguments: [
            "--photo", Self.portrait.path, "--size", "256", "--crop", "face",
            "--cartoon-out", output.appendingPathComponent("cartoon.png").path,
            "--pixels-out", output.appendingPathComponent("cartoon.rgba").path,
            "--screenshot", screenshot.path,
        ])
        try #require(run.status == 0, "\(run.output)")
        #expect(Array(try Data(contentsOf: output.appendingPathComponent("cartoon.png"))) == direct.body)
        let expected = try ImageDecoder.decode(direct.body)
        let rgba = Array(try Data(contentsOf: output.appendingPathComponent("cartoon.rgba")))
        let rgb = stride(from: 0, to: rgba.count, by: 4).flatMap { rgba[$0..<($0 + 3)] }
        #expect(expected.width == 256 && rgb == expected.pixels, "the displayed pixels differ from the API's PNG")
        #expect(run.output.contains("face box"), "the face box is reported: \(run.output)")
        #expect(try Data(contentsOf: screenshot).count > 10_000)
        print("page screenshot: \(screenshot.path)")
    }

    @Test func pageAsksForTheAPIKeyAndSendsIt() throws {
        let server = try PageServer(environment: ["CARTOONIFY_API_KEY": "page-secret"])
        let run = try PageDriver.run(port: server.port, arguments: ["--photo", Self.portrait.path, "--api-key", "page-secret"])
        #expect(run.status == 0, "\(run.output)")
    }

    /// Chromium's fake camera stands in for a webcam: the snapshot goes up as a PNG.
    @Test func pageTakesThePhotoWithTheCamera() throws {
        let server = try PageServer()
        let run = try PageDriver.run(port: server.port, arguments: ["--camera", "--size", "128", "--screenshot",
                                                                     try PageDriver.outputFolder().appendingPathComponent("camera.png").path])
        #expect(run.status == 0 && run.output.contains("camera-cartoon.png"), "\(run.output)")
    }

    @Test func pageRetriesAfterABusyServersRetryAfter() throws {
        let server = try PageServer()
        let run = try PageDriver.run(port: server.port, arguments: ["--photo", Self.portrait.path, "--busy", "2"])
        #expect(run.status == 0 && run.output.contains("\"requests\": 3"), "\(run.output)")
    }

    @Test(arguments: [
        (["--max-body-bytes", "10000"], "Tests/FaceDetectionTests/Fixtures/grace_hopper.jpg", "larger than this server accepts"),
        ([], "Tests/ImagingTests/Fixtures/tiny.webp", "not a JPEG or PNG"),
        ([], "Tests/ImagingTests/Fixtures/truncated.jpg", "could not be read"),
    ])
    func pageExplainsTheAPIsErrors(flags: [String], photo: String, words: String) throws {
        let server = try PageServer(flags: flags)
        let file = PageDriver.root.appendingPathComponent(photo)
        let run = try PageDriver.run(port: server.port, arguments: ["--photo", file.path, "--expect-error", words])
        #expect(run.status == 0, "\(run.output)")
    }
}

/// The real server binary with the bundled weights on a free loopback port.
struct PageServer {
    let process: ServerProcessTests.ServerProcess
    let port: Int

    init(flags: [String] = [], environment: [String: String] = [:]) throws {
        process = try ServerProcessTests.ServerProcess(
            arguments: ["--host", "127.0.0.1", "--port", "0", "--workers", "1",
                        "--weights", PageDriver.root.appendingPathComponent("weights/default.safetensors").path] + flags,
            environment: environment)
        port = try process.port()
        let port = port
        #expect(eventually(within: .seconds(30)) { (try? RawHTTPClient(port: port).get("/readyz").status) == 200 })
    }

    func post(_ photo: [UInt8], query: String) throws -> RawHTTPClient.Response {
        let client = try RawHTTPClient(port: port, timeout: .seconds(60))
        try client.send(httpRequest("POST", "/cartoonify?\(query)", headers: [("Content-Type", "image/jpeg")], body: photo))
        return try client.readResponse()
    }
}

enum PageDriver {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let script = root.appendingPathComponent("scripts/checks/page_in_browser.py")

    static var available: Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let found = { (name: String) in
            path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
        }
        return found("python3") && (found("chromium") || found("chromium-browser"))
    }

    /// Gitignored, so the screenshot of the last run stays for a person to look at.
    static func outputFolder() throws -> URL {
        let folder = root.appendingPathComponent(".build/browser-test")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func run(port: Int, arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--url", "http://127.0.0.1:\(port)/", "--timeout", "90"] + arguments
        return try process.runCollectingOutput()
    }
}
