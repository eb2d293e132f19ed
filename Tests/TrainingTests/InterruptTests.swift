import Foundation
import Testing
import TestSupport
import Training

/// The real `cartoonify-train` in a child process: Ctrl-C (SIGINT) finishes the step in progress, writes a
/// checkpoint holding every logged step, and exits with status 130 and a message saying how to resume.
@Suite struct InterruptTests {
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("cartoonify-train")

    @Test func sigintWritesACheckpointAndExits() throws {
        let root = try GeneratedImages.temporaryFolder("interrupt")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = try GeneratedImages.domains(photos: 4, cartoons: 4, in: root)
        let training = root.appendingPathComponent("training"), output = root.appendingPathComponent("out.safetensors")
        let errors = root.appendingPathComponent("stderr.txt")
        try #require(FileManager.default.createFile(atPath: errors.path, contents: nil))
        let process = Process()
        process.executableURL = Self.binary
        // Periodic checkpoints far away: the only checkpoint is the one the interrupt writes.
        process.arguments = ["--photos", photos.path, "--cartoons", cartoons.path, "--output", output.path,
                             "--checkpoint-dir", training.path, "--size", "16", "--ngf", "4", "--blocks", "1",
                             "--ndf", "8", "--discriminator-layers", "2", "--steps", "100000",
                             "--checkpoint-every", "100000", "--sample-every", "100000"]
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        let log = training.appendingPathComponent("losses.jsonl")
        func loggedSteps() -> Int {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        let started = ContinuousClock.now
        while loggedSteps() < 2, process.isRunning, ContinuousClock.now - started < .seconds(120) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        try #require(loggedSteps() >= 2, "training did not start")
        #expect(try ThreadSignalMasks.threads(of: process.processIdentifier, notBlocking: [SIGINT, SIGTERM]) == [])
        kill(process.processIdentifier, SIGINT)
        while process.isRunning, ContinuousClock.now - started < .seconds(180) { Thread.sleep(forTimeInterval: 0.05) }
        try #require(!process.isRunning, "no exit after SIGINT")

        #expect(process.terminationStatus == 130)
        let message = try String(contentsOf: errors, encoding: .utf8)
        #expect(message.contains("interrupted after step"), "\(message)")
        #expect(message.contains("--resume"))
        let (state, _) = try Checkpoint.read(from: training.appendingPathComponent("checkpoint.safetensors").path,
                                             config: TrainingRunTests.model)
        #expect(state.step == loggedSteps())
        #expect(!FileManager.default.fileExists(atPath: output.path), "an interrupted run exports nothing")
    }
}
