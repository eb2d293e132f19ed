import Foundation

/// The instructions of a Dockerfile, enough of its syntax to check what the image does: continuation lines
/// joined, comments and parser directives dropped, `${ARG}` references expanded from the global ARG defaults.
struct Dockerfile {
    struct Instruction: Equatable {
        let keyword: String
        let arguments: String

        /// Whitespace-separated words after dropping `--flag=value` options (COPY --from, --chown, ...).
        var operands: [String] {
            words.filter { !$0.hasPrefix("--") }
        }

        var words: [String] {
            arguments.split(whereSeparator: \.isWhitespace).map(String.init)
        }

        func option(_ name: String) -> String? {
            words.first { $0.hasPrefix("--\(name)=") }.map { String($0.dropFirst(name.count + 3)) }
        }
    }

    let instructions: [Instruction]

    init(text: String) {
        var logicalLines: [String] = []
        var pending = ""
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") { continue }  // comments may sit inside a continued instruction
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
            } else {
                logicalLines.append(pending + line)
                pending = ""
            }
        }
        let parsed = logicalLines.compactMap { line -> Instruction? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard let space = trimmed.firstIndex(where: \.isWhitespace) else { return nil }
            return Instruction(
                keyword: trimmed[..<space].uppercased(),
                arguments: trimmed[space...].trimmingCharacters(in: .whitespaces)
            )
        }
        // Global ARGs (before the first FROM) parameterise the FROM lines.
        var defaults: [String: String] = [:]
        for instruction in parsed.prefix(while: { $0.keyword != "FROM" }) where instruction.keyword == "ARG" {
            let parts = instruction.arguments.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { defaults[parts[0]] = parts[1] }
        }
        instructions = parsed.map { instruction in
            var arguments = instruction.arguments
            for (name, value) in defaults {
                arguments = arguments.replacingOccurrences(of: "${\(name)}", with: value)
            }
            return Instruction(keyword: instruction.keyword, arguments: arguments)
        }
    }

    /// Instructions grouped by build stage, each stage starting with its FROM.
    var stages: [[Instruction]] {
        var stages: [[Instruction]] = []
        for instruction in instructions {
            if instruction.keyword == "FROM" {
                stages.append([instruction])
            } else if !stages.isEmpty {
                stages[stages.count - 1].append(instruction)
            }
        }
        return stages
    }

    /// KEY=VALUE pairs of every ENV instruction in `stage`.
    static func environment(of stage: [Instruction]) -> [String: String] {
        var environment: [String: String] = [:]
        for instruction in stage where instruction.keyword == "ENV" {
            for word in instruction.words {
                let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
                if parts.count == 2 { environment[parts[0]] = parts[1] }
            }
        }
        return environment
    }
}
