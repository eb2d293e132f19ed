import Foundation

extension Process {
    /// Runs the process to its end; its stdout and stderr together, for a test failure to show.
    func runCollectingOutput() throws -> (status: Int32, output: String) {
        let pipe = Pipe()
        standardOutput = pipe
        standardError = pipe
        try run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        waitUntilExit()
        return (terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
