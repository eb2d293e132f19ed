import FaceDetection
import Foundation
import KernelsCore
import NN
import Testing
import TestSupport

/// The real `cartoonify-server` executable in a child process: start-up failures, and SIGTERM draining.
@Suite(.serialized) struct ServerProcessTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("cartoonify-server")

    /// A server process and what it printed.
    final class ServerProcess {
        let process = Process()
        private let output = OutputCollector()

        init(executable: URL = ServerProcessTests.binary, arguments: [String], environment: [String: String] = [:]) throws {
            let stderr = Pipe()
            process.executableURL = executable
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            output.collect(from: stderr.fileHandleForReading)
        }

        var log: String { output.text }

        /// The port from the "listening" log line.
        func port(timeout: Duration = .seconds(30)) throws -> Int {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline, process.isRunning {
                if let match = log.firstMatch(of: /[^_]port=(\d+)/), let port = Int(match.1) { return port }
                Thread.sleep(forTimeInterval: 0.02)
            }
            throw RawHTTPClient.ClientError.timeout
        }

        func waitForExit(timeout: Duration = .seconds(60)) -> Int32? {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
            guard !process.isRunning else {
                process.terminate()
                return nil
            }
            output.waitForEnd()   // the last lines may still be in the pipe
            return process.terminationStatus
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    /// Reads a pipe to its end on a thread of its own, with blocking reads: a `readabilityHandler` would put a
    /// dispatch read source on the pipe, and tearing those down races libdispatch's epoll bookkeeping on Linux
    /// (swift-corelibs-libdispatch#949), which crashed the test process in `_dispatch_event_loop_drain`.
    final class OutputCollector: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let ended = DispatchSemaphore(value: 0)

        func collect(from handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    lock.withLock { data.append(chunk) }
                }
                ended.signal()
            }
        }

        /// Waits (up to 10 s) until the writer has closed the pipe and everything in it has been read.
        func waitForEnd() {
            if ended.wait(timeout: .now() + 10) == .success { ended.signal() }
        }

        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    @Test func missingWeightsFileExitsWithAClearMessage() throws {
        let server = try ServerProcess(arguments: ["--port", "0", "--weights", "/nonexistent/model.safetensors"])
        #expect(server.waitForExit() == 3)
        #expect(server.log.contains("/nonexistent/model.safetensors"))
    }

    @Test func corruptWeightsFileExitsWithAClearMessage() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID()).safetensors")
        try Data([0x10, 0, 0, 0, 0, 0, 0, 0] + Array("{\"a\":".utf8)).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let server = try ServerProcess(arguments: ["--port", "0", "--weights", url.path])
        #expect(server.waitForExit() == 3)
        #expect(server.log.contains("cannot load the model"))
    }

    @Test func missingCascadeFileExitsWithAClearMessage() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("cascades-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let server = try ServerProcess(arguments: ["--port", "0"], environment: ["CARTOONIFY_CASCADES": empty.path])
        #expect(server.waitForExit() == 3)
        #expect(server.log.contains("cannot read cascade file \(empty.path)/haarcascade_frontalface_default.xml"))
    }

    @Test func corruptCascadeFileExitsWithAClearMessage() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascades-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in [CascadeResources.faceCascade, CascadeResources.eyeCascade] {
            try Data("<opencv_storage><cascade>".utf8).write(to: folder.appendingPathComponent(name))
        }
        let server = try ServerProcess(arguments: ["--port", "0"], environment: ["CARTOONIFY_CASCADES": folder.path])
        #expect(server.waitForExit() == 3)
        #expect(server.log.contains("malformed cascade XML: \(folder.path)/haarcascade_frontalface_default.xml"))
    }

    @Test func invalidEnvironmentValueIsRefused() throws {
        let server = try ServerProcess(arguments: [], environment: ["CARTOONIFY_PORT": "eighty"])
        #expect(server.waitForExit() != 0)
        #expect(server.log.contains("CARTOONIFY_PORT"))
    }

    @Test(arguments: [(["--no-ui"], [:]), ([], ["CARTOONIFY_NO_UI": "1"])])
    func noUITurnsThePageOff(arguments: [String], environment: [String: String]) throws {
        let server = try ServerProcess(arguments: ["--host", "127.0.0.1", "--port", "0"] + arguments, environment: environment)
        let port = try server.port()
        #expect(try RawHTTPClient(port: port).get("/").status == 404)
        #expect(try RawHTTPClient(port: port).get("/openapi.yaml").status == 200)
        #expect(try RawHTTPClient(port: port).get("/healthz").status == 200)
    }

    @Test func invalidNoUIValueIsRefused() throws {
        let server = try ServerProcess(arguments: ["--port", "0"], environment: ["CARTOONIFY_NO_UI": "maybe"])
        #expect(server.waitForExit() == 64)
        #expect(server.log.contains("CARTOONIFY_NO_UI"))
    }

    @Test func invalidCorePolicyIsRefused() throws {
        let server = try ServerProcess(arguments: ["--port", "0"], environment: ["CARTOONIFY_CORE_POLICY": "greedy"])
        #expect(server.waitForExit() == 64)
        #expect(server.log.contains("auto, spread, exclusive"))
    }

    @Test func invalidPrecisionIsRefused() throws {
        let server = try ServerProcess(arguments: ["--port", "0"], environment: ["CARTOONIFY_PRECISION": "fp8"])
        #expect(server.waitForExit() == 64)
        #expect(server.log.contains("must be f32 or bf16, got 'fp8'"))
    }

    @Test func unknownKernelPathIsRefused() throws {
        let server = try ServerProcess(arguments: ["--port", "0"], environment: ["CARTOONIFY_KERNELS": "sse9"])
        #expect(server.waitForExit() == 64)
        #expect(server.log.contains("CARTOONIFY_KERNELS='sse9' is not a kernel path: use one of portable, avx2, avx512."))
    }

    /// bf16 serves where the CPU has it, and is refused with the reason where it does not.
    @Test func bfloat16ServesOrIsRefusedByTheCPU() throws {
        let server = try ServerProcess(arguments: ["--host", "127.0.0.1", "--port", "0", "--precision", "bf16"])
        if Precision.bf16Supported {
            let port = try server.port()
            #expect(try RawHTTPClient(port: port).get("/healthz").status == 200)
        } else {
            #expect(server.waitForExit() == 64)
            #expect(server.log.contains("AVX512_BF16"))
        }
    }

    /// A binary copied without the resource bundle beside it (a Dockerfile that forgot it) says what is
    /// missing instead of serving without its page or trapping.
    @Test func binaryWithoutItsResourceBundleNamesIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lonely-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("cartoonify-server")
        try FileManager.default.copyItem(at: Self.binary, to: copy)
        let server = try ServerProcess(executable: copy, arguments: ["--port", "0"])
        #expect(server.waitForExit() == 1)
        #expect(server.log.contains("cartoonify_CartoonService.resources"))
    }

    /// SIGTERM while one request runs and two wait in the queue: all three still complete with 200 and the
    /// process exits 0. The official-size model on one thread keeps each inference long enough to observe.
    @Test func sigtermDrainsTheRequestsInFlightAndQueued() throws {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("slow-\(UUID()).safetensors")
        let config = GeneratorConfig(architecture: .resnet, ngf: 64, nBlocks: 9, inputSize: 256)
        try SafeTensorsFile(tensors: Generator.randomWeights(config: config, seed: 3), metadata: Generator.metadata(for: config))
            .write(to: weights)
        defer { try? FileManager.default.removeItem(at: weights) }

        let server = try ServerProcess(arguments: [
            "--host", "127.0.0.1", "--port", "0", "--workers", "1", "--inference-threads", "1", "--weights", weights.path,
        ])
        let port = try server.port()
        try waitUntilReady(port: port)

        let clients = try (0..<3).map { _ in try RawHTTPClient(port: port, timeout: .seconds(120)) }
        for client in clients {
            try client.send(httpRequest("POST", "/cartoonify?crop=center", headers: [("Content-Type", "image/jpeg")],
                                        body: try Photos.jpeg()))
        }
        try waitUntilInferenceRuns(port: port)
        // Every thread but the main one, which waits for them in sigwait, blocks the signals (event loop,
        // workers, compute teams): one that did not could take and drop the SIGTERM, the flake this test had.
        let pid = server.process.processIdentifier
        #expect(try ThreadSignalMasks.threads(of: pid, notBlocking: [SIGINT, SIGTERM]).filter { $0 != pid } == [])
        kill(server.process.processIdentifier, SIGTERM)

        for client in clients {
            #expect(try client.readResponse().status == 200)
        }
        #expect(server.waitForExit() == 0)
        #expect(server.log.contains("draining"))
    }

    private func waitUntilReady(port: Int) throws {
        for _ in 0..<500 {
            if let response = try? RawHTTPClient(port: port).get("/readyz"), response.status == 200 { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        Issue.record("server never became ready")
    }

    private func waitUntilInferenceRuns(port: Int) throws {
        for _ in 0..<1000 {
            if try RawHTTPClient(port: port).get("/metrics").text.contains("cartoonify_inference_in_flight 1") { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
        Issue.record("the request never started running")
    }
}
