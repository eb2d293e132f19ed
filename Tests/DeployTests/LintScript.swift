import Foundation

/// Runs `scripts/checks/lint_deploy.sh`, the one place that knows how to call each validator and how to turn the
/// YAML files into JSON; the tests only judge its answers.
enum LintScript {
    struct Result: Sendable {
        let status: Int32
        let output: String
    }

    /// The script's exit status for "validator not installed".
    static let skipped: Int32 = 77

    /// Whether the validator or renderer a check needs is installed (`lint_deploy.sh has CHECK`).
    static func has(_ check: String) -> Bool {
        (try? run(["has", check]).status) == 0
    }

    /// Runs the script with standard error folded into the output, for messages a failing test prints.
    static func run(_ arguments: [String]) throws -> Result {
        let (status, output, errors) = try execute(arguments)
        return Result(status: status, output: output + errors)
    }

    /// The documents of a YAML file (`json FILE`) or of a rendered kustomization (`render DIR`).
    static func documents(_ arguments: [String]) throws -> [JSON] {
        let (status, output, errors) = try execute(arguments)
        guard status == 0 else {
            throw LintScriptError.failed(arguments: arguments, status: status, output: errors)
        }
        guard let documents = try JSON(data: Data(output.utf8)).array else {
            throw LintScriptError.notAnArray(arguments: arguments)
        }
        return documents
    }

    private static func execute(_ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(filePath: "/bin/bash")
        process.arguments = [Repository.url("scripts/checks/lint_deploy.sh").path] + arguments
        process.currentDirectoryURL = Repository.root
        let standardOutput = Pipe()
        let standardError = Pipe()
        process.standardOutput = standardOutput
        process.standardError = standardError
        try process.run()
        // Drain both pipes before waiting so a chatty validator can never block on a full pipe.
        let errorData = ErrorCollector(standardError.fileHandleForReading)
        let outputData = standardOutput.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus,
            String(decoding: outputData, as: UTF8.self),
            String(decoding: errorData.wait(), as: UTF8.self)
        )
    }
}

/// Reads a pipe to its end on its own thread while the caller reads the other pipe.
private final class ErrorCollector: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()  // written once by the reader thread, read after `done` is signalled

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

enum LintScriptError: Error, CustomStringConvertible {
    case failed(arguments: [String], status: Int32, output: String)
    case notAnArray(arguments: [String])

    var description: String {
        switch self {
        case .failed(let arguments, let status, let output):
            "lint_deploy.sh \(arguments.joined(separator: " ")) exited \(status): \(output)"
        case .notAnArray(let arguments):
            "lint_deploy.sh \(arguments.joined(separator: " ")) did not print a JSON array"
        }
    }
}
