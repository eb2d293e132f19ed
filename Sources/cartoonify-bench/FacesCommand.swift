import ArgumentParser
import FaceDetection
import Foundation
import Imaging
import Kernels

/// The face front end of a `crop=face` request, stage by stage: the face scan (`detect`, primary face
/// only, as the server runs it) and the eye search in the chosen face, in CPU time of one thread, so a
/// busy machine moves the numbers little.
struct FacesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces", abstract: "Face detection and eye finding per photo, per kernel path (CPU ms, one thread).")

    @Option(help: "Kernel path: portable, avx2 or avx512 (default: every path this CPU runs).")
    var kernels: String?

    @Option(help: "Timed runs per photo (after one warm-up).")
    var runs = 20

    @Argument(help: "JPEG or PNG photos (default: the public-domain portraits of the face detection tests).")
    var photos: [String] = ["astronaut", "grace_hopper", "obama", "biden", "obama2", "obama3"].map {
        "Tests/FaceDetectionTests/Fixtures/\($0).jpg"
    }

    func run() throws {
        let paths = try KernelOptions.paths(kernels)
        let images = try photos.map { path in
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw ValidationError("cannot read '\(path)' (run from the repository root, or name photos)")
            }
            return (URL(fileURLWithPath: path).lastPathComponent, try ImageDecoder.decode([UInt8](bytes)))
        }
        var detector = try FaceDetector.bundled(
            directory: CascadeResources.directory(override: ProcessInfo.processInfo.environment[CascadeResources.environmentVariable]))
        for path in paths {
            detector.kernels = path
            print("\(path): median CPU ms of \(runs) runs (detect = face scan, eyes = eye search in the face)")
            var totals = (detect: 0.0, eyes: 0.0)
            for (name, image) in images {
                let faces = detector.detect(in: image, primaryOnly: true)
                let face = FaceCropPolicy.primaryFace(faces, imageWidth: image.width, imageHeight: image.height)
                let detect = measure(runs: runs, cpuTime: true) { _ = detector.detect(in: image, primaryOnly: true) }
                let eyes = face.map { face in measure(runs: runs, cpuTime: true) { _ = detector.eyes(in: image, face: face) } }
                totals.detect += detect.median
                totals.eyes += eyes?.median ?? 0
                let found = face.map { "face \($0.width)x\($0.height) at \($0.x),\($0.y)" } ?? "no face"
                print("  \(name) \(image.width)x\(image.height): detect \(format(1000 * detect.median, 2)) ms, "
                      + "eyes \(format(1000 * (eyes?.median ?? 0), 2)) ms (\(found))")
            }
            print("  total: detect \(format(1000 * totals.detect, 2)) ms, eyes \(format(1000 * totals.eyes, 2)) ms")
        }
    }
}
