import Foundation
import Testing

/// docs/architecture.md describes the module graph; a target added to Package.swift without a word there fails.
@Suite struct ArchitectureDocTests {
    @Test func everyTargetIsNamed() throws {
        let manifest = try Repository.text("Package.swift")
        let doc = try Repository.text("docs/architecture.md")
        let pattern = try Regex(#"\.(?:target|executableTarget|systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let targets = manifest.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) }
        #expect(targets.count > 15)
        for target in targets where target != "TestSupport" {
            #expect(doc.contains(target), "docs/architecture.md does not name the target \(target)")
        }
    }
}

extension ArchitectureDocTests {
    /// The CLI runs the pipeline the server runs, without linking the server: no HTTP, metrics or routes.
    @Test func theCommandLineToolDependsOnThePipelineNotTheService() throws {
        let manifest = try Repository.text("Package.swift")
        let start = try #require(manifest.firstRange(of: try Regex(#"name: "cartoonify",\s*dependencies:"#)))
        let end = try #require(manifest.range(of: "]", range: start.upperBound..<manifest.endIndex))
        let dependencies = manifest[start.upperBound..<end.lowerBound]
        #expect(dependencies.contains("\"Pipeline\""))
        for module in ["CartoonService", "HTTP", "swift-metrics", "swift-prometheus"] {
            #expect(!dependencies.contains(module), "cartoonify depends on \(module)")
        }
    }
}
