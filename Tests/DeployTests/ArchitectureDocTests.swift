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
        let manifest = try PackageManifest(text: try Repository.text("Package.swift"))
        #expect(manifest.dependencies["cartoonify"]?.contains("Pipeline") == true)
        let linked = manifest.linkedTargets(of: "cartoonify")
        let products = linked.union(["cartoonify"]).flatMap { manifest.dependencies[$0] ?? [] }
        for module in ["CartoonService", "HTTP"] {
            #expect(!linked.contains(module), "cartoonify links \(module)")
        }
        for package in ["swift-metrics", "swift-prometheus"] {
            #expect(!products.contains(package), "cartoonify links \(package)")
        }
    }

    /// The shipped executables carry one engine, the inference plan: no tape, no training kernels, no trainer.
    @Test(arguments: ["cartoonify-server", "cartoonify"])
    func theShippedExecutablesLinkNoTrainingCode(executable: String) throws {
        let manifest = try PackageManifest(text: try Repository.text("Package.swift"))
        let linked = manifest.linkedTargets(of: executable)
        #expect(linked.contains("NN") && linked.contains("Kernels"), "the manifest was not read: \(linked.sorted())")
        for module in ["Autograd", "Training", "Reference"] {
            #expect(!linked.contains(module), "\(executable) links \(module)")
        }
        #expect(manifest.linkedTargets(of: "cartoonify-train").contains("Autograd"))
    }

    /// No hidden wiring: a module another target imports is one it declares (nothing re-exports a module).
    @Test func everyImportedTargetIsADeclaredDependency() throws {
        let manifest = try PackageManifest(text: try Repository.text("Package.swift"))
        let importLine = try Regex(#"(?m)^(?:@testable )?import (\w+)$"#)
        let reexport = try Regex(#"(?m)^@_exported import"#)
        for (target, path) in manifest.paths {
            let files = FileManager.default.enumerator(atPath: Repository.url(path).path)?
                .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            for file in files {
                let source = try Repository.text(path + "/" + file)
                #expect(!source.contains(reexport), "\(path)/\(file) re-exports a module")
                for match in source.matches(of: importLine) {
                    guard let module = match.output[1].substring.map(String.init),
                          module != target, manifest.dependencies[module] != nil else { continue }
                    #expect(manifest.dependencies[target]?.contains(module) == true,
                            "\(path)/\(file) imports \(module), which \(target) does not declare")
                }
            }
        }
    }
}
