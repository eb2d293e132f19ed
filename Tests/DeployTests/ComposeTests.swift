import Foundation
import Testing

@Suite("docker-compose.yml", .enabled(if: LintScript.has("json"), "PyYAML not installed"))
struct ComposeTests {
    static let path = "deploy/docker-compose.yml"

    private func server() throws -> JSON {
        let documents = try LintScript.documents(["json", Repository.url(Self.path).path])
        let services = try #require(documents.first?["services"]?.object)
        try #require(services.count == 1)
        return try #require(services["server"])
    }

    @Test(
        "passes the compose-spec parser",
        .enabled(if: LintScript.has("compose"), "compose-spec not installed (pip install compose-spec)")
    )
    func schema() throws {
        let result = try LintScript.run(["compose"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func buildsTheRepositoryDockerfile() throws {
        let build = try #require(try server()["build"])
        let context = try #require(build["context"]?.string)
        let dockerfile = try #require(build["dockerfile"]?.string)
        let resolved = Repository.url("deploy").appending(path: context).appending(path: dockerfile).standardizedFileURL
        #expect(resolved == Repository.url("Dockerfile").standardizedFileURL)
    }

    @Test func healthcheckUsesTheImageProbe() throws {
        let test = try #require(try server()["healthcheck"]?["test"]?.array)
        #expect(test == [.string("CMD"), .string(DockerfileTests.healthcheckPath)])
    }

    @Test func runsLockedDownAsTheImageUser() throws {
        let server = try server()
        #expect(server["read_only"]?.bool == true)
        #expect(server["user"]?.string == "\(DockerfileTests.imageUID):\(DockerfileTests.imageUID)")
        #expect(server["cap_drop"]?.array == [.string("ALL")])
        #expect(server["ports"]?.array == [.string("\(ServerSettings.port):\(ServerSettings.port)")])
    }

    @Test func stopGracePeriodOutlastsTheDrain() throws {
        let server = try server()
        #expect(server["stop_signal"]?.string == "SIGTERM")
        let grace = try #require(server["stop_grace_period"]?.string)
        let seconds = try #require(grace.hasSuffix("s") ? Int(grace.dropLast()) : nil, "stop_grace_period \(grace)")
        #expect(seconds > ServerSettings.defaultDrainTimeoutSeconds)
    }

    @Test func setsOnlySettingsTheServerReads() throws {
        let entries = try #require(try server()["environment"]?.array).compactMap(\.string)
        let names = Set(entries.map { String($0.prefix { $0 != "=" }) })
        #expect(names.subtracting(ServerSettings.environmentNames).isEmpty, "\(names.sorted())")
    }
}
