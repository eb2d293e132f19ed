import Foundation

/// The target graph of Package.swift, read from its text: each target's dependency list as written (target,
/// product and package names alike), its source folder, and what a target links through its targets.
struct PackageManifest {
    /// Target name -> the quoted names in its `dependencies: [...]`.
    let dependencies: [String: [String]]
    /// Target name -> its source folder, relative to the package root.
    let paths: [String: String]

    init(text: String) throws {
        let declaration = try Regex(#"\.(?:(target|executableTarget|testTarget|systemLibrary))\(\s*name:\s*"([^"]+)""#)
        let matches = text.matches(of: declaration)
        var dependencies: [String: [String]] = [:], paths: [String: String] = [:]
        for (i, match) in matches.enumerated() {
            guard let kind = match.output[1].substring, let name = match.output[2].substring.map(String.init) else { continue }
            let end = i + 1 < matches.count ? matches[i + 1].range.lowerBound : text.endIndex
            let arguments = text[match.range.upperBound..<end]
            dependencies[name] = Self.quotedNames(inDependencyListOf: arguments)
            let path = arguments.firstMatch(of: #/path:\s*"([^"]+)"/#).map { String($0.output.1) }
            paths[name] = path ?? (kind == "testTarget" ? "Tests/" : "Sources/") + name
        }
        self.dependencies = dependencies
        self.paths = paths
    }

    /// The targets `target` depends on, directly or through other targets.
    func linkedTargets(of target: String) -> Set<String> {
        var linked = Set<String>(), pending = [target]
        while let next = pending.popLast() {
            for name in dependencies[next] ?? [] where dependencies[name] != nil && linked.insert(name).inserted {
                pending.append(name)
            }
        }
        return linked
    }

    /// Every string literal between `dependencies: [` and its closing bracket.
    private static func quotedNames(inDependencyListOf declaration: Substring) -> [String] {
        guard let label = declaration.range(of: "dependencies:"),
              let open = declaration[label.upperBound...].firstIndex(of: "[") else { return [] }
        var depth = 0, close = declaration.endIndex
        for index in declaration[open...].indices {
            if declaration[index] == "[" { depth += 1 }
            if declaration[index] == "]" { depth -= 1 }
            if depth == 0 {
                close = index
                break
            }
        }
        return declaration[open..<close].matches(of: #/"([^"]+)"/#).map { String($0.output.1) }
    }
}
