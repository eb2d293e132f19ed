import Foundation
import Testing

/// Keeps the API description (Sources/CartoonService/Web/openapi.yaml) true: schemathesis generates
/// requests from it and checks every answer (status, headers, body schema) against it, on a real server,
/// with and without the API key.
@Suite(.enabled(if: Schemathesis.executable != nil, "schemathesis is not installed (pip install schemathesis)"))
struct APIConformanceTests {
    func run(port: Int, extra: [String] = []) throws -> (status: Int32, output: String) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("schemathesis-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = Schemathesis.executable
        process.currentDirectoryURL = scratch
        process.arguments = [
            "run", Schemathesis.root.appendingPathComponent("Sources/CartoonService/Web/openapi.yaml").path,
            "--url", "http://127.0.0.1:\(port)",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance", "--workers", "2",
            "--max-examples", "100", "--seed", "20261125", "--generation-database", "none",
        ] + extra
        return try process.runCollectingOutput()
    }

    @Test func openServerMatchesTheSpec() throws {
        let server = try TestService()
        let result = try run(port: server.port)
        #expect(result.status == 0, "\(result.output.suffix(4000))")
    }

    @Test func keyedServerMatchesTheSpecWithAndWithoutTheKey() throws {
        let server = try TestService { $0.apiKey = "conformance" }
        let without = try run(port: server.port)
        #expect(without.status == 0, "\(without.output.suffix(4000))")
        let with = try run(port: server.port, extra: ["-H", "Authorization: Bearer conformance"])
        #expect(with.status == 0, "\(with.output.suffix(4000))")
    }
}

enum Schemathesis {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `$SCHEMATHESIS`, then the repository's `.venv`, then `PATH`.
    static let executable: URL? = {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let explicit = environment["SCHEMATHESIS"] { candidates.append(explicit) }
        candidates.append(root.appendingPathComponent(".venv/bin/schemathesis").path)
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(directory)/schemathesis")
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        return URL(fileURLWithPath: found)
    }()
}
