import Foundation

/// One line of JSON per step (`losses.jsonl`): step, epoch, learning rate, every loss and the step time, so
/// curves can be plotted with any tool. Appends, so a resumed run continues the same file.
final class LossLog {
    private let handle: FileHandle
    let path: String

    init(path: String) throws(TrainingError) {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: path, reason: error.localizedDescription)
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw .writeFailed(path: path, reason: "cannot create the loss log")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw .writeFailed(path: path, reason: "cannot open the loss log")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    func append(step: Int, epoch: Int, learningRate: Double, losses: StepLosses, seconds: Double) throws(TrainingError) {
        var fields = ["\"step\":\(step)", "\"epoch\":\(epoch)", "\"lr\":\(learningRate)"]
        fields += losses.named.map { "\"\($0.0)\":\($0.1)" }
        fields.append("\"seconds\":\(String(format: "%.4f", seconds))")
        do {
            try handle.write(contentsOf: Data(("{" + fields.joined(separator: ",") + "}\n").utf8))
        } catch {
            let full = (error as? CocoaError)?.code == .fileWriteOutOfSpace || (error as NSError).code == Int(ENOSPC)
            throw full ? .diskFull(path: path) : .writeFailed(path: path, reason: error.localizedDescription)
        }
    }
}

/// What a person watching sees (on stderr): epoch, step, it/s, ETA and running (exponentially smoothed)
/// losses. A terminal gets one line redrawn in place; a log file gets a line every `plainEvery` steps.
struct ProgressReporter {
    let totalSteps: Int
    let stepsPerEpoch: Int
    let totalEpochs: Int
    let plainEvery: Int
    let output: (String) -> Void
    private let interactive = isatty(STDERR_FILENO) != 0
    private var smoothed: [(String, Float)] = []
    private var secondsPerStep: Double?

    init(totalSteps: Int, stepsPerEpoch: Int, plainEvery: Int = 10, output: @escaping (String) -> Void) {
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
        self.totalEpochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch
        self.plainEvery = plainEvery
        self.output = output
    }

    mutating func update(completedSteps: Int, epoch: Int, losses: StepLosses, seconds: Double) {
        let named = losses.named
        smoothed = smoothed.isEmpty ? named : zip(smoothed, named).map { ($0.0, 0.9 * $0.1 + 0.1 * $1.1) }
        secondsPerStep = secondsPerStep.map { 0.9 * $0 + 0.1 * seconds } ?? seconds
        guard interactive || completedSteps % plainEvery == 0 || completedSteps == totalSteps else { return }
        let rate = 1 / max(secondsPerStep ?? 1, 1e-9)
        let eta = Double(totalSteps - completedSteps) / rate
        let width = 20, filled = width * completedSteps / max(totalSteps, 1)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let lossText = smoothed.map { "\($0.0) \(String(format: "%.3f", $0.1))" }.joined(separator: " ")
        let line = "epoch \(epoch + 1)/\(totalEpochs) step \(completedSteps)/\(totalSteps) [\(bar)] "
            + String(format: "%.2f it/s", rate) + " ETA \(Self.duration(eta)) | \(lossText)"
        output((interactive ? "\r\u{1B}[K" : "") + line + (interactive ? "" : "\n"))
    }

    /// Ends the in-place line before other output.
    func finishLine() {
        if interactive { output("\n") }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m" : "\(s / 60)m\(String(format: "%02d", s % 60))s"
    }
}
