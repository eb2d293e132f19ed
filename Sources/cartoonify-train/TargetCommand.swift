import ArgumentParser
import Autograd
import Foundation
import Training

/// `cartoonify-train target`: the distillation target a run would learn from, made from the teacher and the
/// target options before hours go into the run.
struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: "Write the teacher's target for photos as they are: a photo | teacher | target sheet, or one PNG per photo.")

    @Option(help: "The photo -> cartoon weights file the run's --teacher would name.")
    var teacher: String
    @Option(help: "Folder of photos (searched recursively).")
    var photos: String
    @OptionGroup var target: TeacherTargetOptions
    @Option(help: "Where to write the sheet (.png): a row per photo, photo | teacher | target.")
    var sheet: String?
    @Option(help: "Folder for one target per photo (PHOTO_FILE_NAME.png), e.g. for cartoonify eval --photos.")
    var each: String?
    @Option(help: "Photos spread evenly over the folder; 0 = every photo.")
    var count = 8
    @Option(help: "Training size in pixels (the teacher's input size).")
    var size = 128
    @Option(help: "How photos become square: pad (faces) or center (crop).")
    var photoPreprocess: String = SquarePreprocessing.pad.rawValue

    func run() throws {
        guard let square = SquarePreprocessing(rawValue: photoPreprocess) else {
            throw ValidationError("--photo-preprocess takes: pad, center")
        }
        guard count >= 0 else { throw ValidationError("--count must be 0 (every photo) or more") }
        var preview = TargetPreview(teacher: teacher, photos: photos)
        preview.target = target.target
        preview.avatars = target.teacherAvatars
        preview.size = size
        preview.preprocessing = square
        preview.count = count == 0 ? nil : count
        preview.sheet = sheet
        preview.each = each
        preview.kernels = TrainingKernels(path: try TrainCommand.kernelPath(environment: ProcessInfo.processInfo.environment))
        do {
            let written = try preview.write()
            print("wrote the targets of \(written) photos" + (sheet.map { " to \($0)" } ?? "") + (each.map { " into \($0)" } ?? ""))
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode.failure
        }
    }
}
