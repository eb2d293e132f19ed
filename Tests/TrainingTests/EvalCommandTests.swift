import Foundation
import Imaging
import Testing

/// `cartoonify eval` as a user runs it: every row of the table printed with a number for the model and the
/// photos, images made elsewhere measured instead of the model's (`--outputs`), and a folder without images or
/// a missing made image refused by name.
@Suite struct EvalCommandTests {
    static func eval(_ arguments: [String]) throws -> (Int32, String, String) { try ToolProcess.run("cartoonify", ["eval"] + arguments) }

    @Test func printsEveryRowMeasuresMadeImagesAndRefusesBadFolders() throws {
        let root = try GeneratedImages.temporaryFolder("eval")
        defer { GeneratedImages.remove(root) }
        let (photos, cartoons) = (try GeneratedImages.temporaryFolder("photos", in: root), try GeneratedImages.temporaryFolder("cartoons", in: root))
        for i in 0..<3 {
            try GeneratedImages.write(GeneratedImages.photo(seed: UInt64(i), width: 40, height: 48), to: photos.appendingPathComponent("p\(i).png"))
            try GeneratedImages.write(GeneratedImages.cartoon(seed: UInt64(i), size: 40), to: cartoons.appendingPathComponent("c\(i).png"))
        }
        let weights = try TeacherTests.weightsFile(CheckpointTests.config.generator, seed: 9, in: root)
        let folders = ["--photos", photos.path, "--cartoons", cartoons.path, "--reference-photos", photos.path,
                       "--reference-cartoons", cartoons.path]
        let (status, printed, message) = try Self.eval(["--weights", weights, "--reference-count", "3"] + folders)
        #expect(status == 0, "\(message)")
        for row in ["cartoon-likeness", "cartoon probability", "flat pixels", "blots off the eyes", "faces with a blot off the eyes",
                    "white off the drawn eyes", "faces with white off the drawn eyes",
                    "eye whites", "spots", "skin shading", "structure kept", "skin colour distance", "hair colour distance"] {
            let line = printed.split(separator: "\n").first { $0.hasPrefix("| \(row)") }
            let cells = line.map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            #expect(cells.count == 3 && Double(cells[1]) != nil && Double(cells[2]) != nil, "\(row): \(line ?? "missing")")
        }
        let listed = try Self.eval(["--weights", weights, "--reference-count", "3", "--list-blots"] + folders)
        #expect(listed.1.contains("faces with a blot off the eyes ("), "\(listed.1)")
        // Images made elsewhere are measured instead of the model's outputs: the photos themselves score as photos.
        let made = try GeneratedImages.temporaryFolder("made", in: root)
        for i in 0..<3 {
            let photo = try ImageDecoder.decode([UInt8](Data(contentsOf: photos.appendingPathComponent("p\(i).png"))))
            try GeneratedImages.write(photo.centerSquareCrop().resized(width: 16, height: 16), to: made.appendingPathComponent("p\(i).png.png"))
        }
        let same = try Self.eval(["--weights", weights, "--reference-count", "3", "--outputs", made.path] + folders)
        #expect(same.0 == 0, "\(same.2)")
        #expect(same.1.contains("| structure kept (grey 32x32 correlation) | 1.000 | 1 |"), "\(same.1)")
        try FileManager.default.removeItem(at: made.appendingPathComponent("p1.png.png"))
        let missing = try Self.eval(["--weights", weights, "--outputs", made.path] + folders)
        #expect(missing.0 != 0 && missing.2.contains("--outputs has no \(made.path)/p1.png.png for the photo p1.png"), "\(missing.2)")
        let empty = try GeneratedImages.temporaryFolder("empty", in: root)
        let refused = try Self.eval(["--weights", weights] + folders.map { $0 == photos.path ? empty.path : $0 })
        #expect(refused.0 != 0)
        #expect(refused.2.contains("\(empty.path) holds no .jpg, .jpeg or .png images"), "\(refused.2)")
    }
}
