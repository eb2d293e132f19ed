import Foundation

/// `.dockerignore` semantics for the checks here: patterns in order, the last one that matches a path (or
/// one of its parent folders) decides, `!` re-includes. Matching is `fnmatch` with `*` stopping at `/`,
/// as Docker's does for the patterns this repository uses.
struct DockerIgnore {
    private let rules: [(pattern: String, include: Bool)]

    init(text: String) {
        rules = text.split(separator: "\n").compactMap { rawLine in
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { return nil }
            let include = line.hasPrefix("!")
            var pattern = include ? String(line.dropFirst()) : line
            while pattern.hasSuffix("/") { pattern.removeLast() }
            return (pattern, include)
        }
    }

    /// Whether the file at `path` (relative to the context root) is sent to the builder.
    func sends(_ path: String) -> Bool {
        let components = path.split(separator: "/")
        let prefixes = components.indices.map { components[...$0].joined(separator: "/") }
        var sent = true
        for rule in rules where prefixes.contains(where: { fnmatch(rule.pattern, $0, FNM_PATHNAME) == 0 }) {
            sent = rule.include
        }
        return sent
    }
}
