import ArgumentParser
import FaceDetection
import Foundation
import Imaging

/// Measures how a folder of aligned training chips frames faces, with the service's own detector and eye
/// finder, and prints the `face_eyes` / `face_box` metadata that makes `crop=face` frame photos alike
/// (docs/face-framing.md).
struct MeasureFramingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measure-framing",
        abstract: "Median eye and face-box positions in a folder of aligned face chips (UTKFace names: AGE_...).")

    @Option(help: "Only chips whose file name starts with an age of at least this (UTKFace: AGE_GENDER_RACE_...).")
    var minimumAge = 16
    @Option(help: "Measure at most this many chips (in file-name order); 0: all.")
    var limit = 0
    @Argument(help: "The folder of chips.")
    var folder: String

    /// Chips are tight (the face fills them), so each is placed at the centre of a mid-grey canvas this many
    /// chip sides wide, where the face box fits whole and the detector sees the face at a normal size.
    @Option(help: "Canvas side, in chip sides, that each chip is centred on before detection.")
    var canvasScale = 2

    func run() throws {
        let detector = try ProcessEnvironment.detector()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted().filter { name in
            guard let age = name.split(separator: "_").first.flatMap({ Int($0) }) else { return false }
            return age >= minimumAge && (name.hasSuffix(".jpg") || name.hasSuffix(".png"))
        }
        var eyes: [[Double]] = [], boxes: [[Double]] = [], eyesInBox: [[Double]] = []
        var used = 0
        for name in names {
            if limit > 0 && used == limit { break }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(name)))
            guard let chip = try? ImageDecoder.decode(bytes) else { continue }
            used += 1
            let offset = chip.width * (canvasScale - 1) / 2
            let canvas = Self.canvas(around: chip, scale: canvasScale)
            guard let face = FaceCropPolicy.primaryFace(detector.detect(in: canvas), imageWidth: canvas.width,
                                                        imageHeight: canvas.height), face.angle == 0 else { continue }
            let side = Double(chip.width)
            let box = [Double(face.x - offset) / side, Double(face.y - offset) / side, Double(face.width) / side]
            boxes.append(box)
            guard let found = detector.eyes(in: canvas, face: face) else { continue }
            let points = [found.leftX, found.leftY, found.rightX, found.rightY].map { ($0 - Double(offset)) / side }
            eyes.append(points)
            eyesInBox.append([(points[0] - box[0]) / box[2], (points[2] - box[0]) / box[2],
                              ((points[1] + points[3]) / 2 - box[1]) / box[2]])
        }
        let e = (0..<4).map { i in median(eyes.map { $0[i] }) }
        let b = (0..<3).map { i in median(boxes.map { $0[i] }) }
        let inBox = (0..<3).map { i in median(eyesInBox.map { $0[i] }) }
        let boxSide = 1 / b[2], raise = (b[1] + b[2] / 2 - 0.5) / b[2]
        print("chips measured \(used) (age >= \(minimumAge)); face found in \(boxes.count), both eyes in \(eyes.count)")
        print(String(format: "median face box: x %.4f y %.4f side %.4f of the chip", b[0], b[1], b[2]))
        print(String(format: "median eyes in the box: left x %.4f, right x %.4f, y %.4f of the box", inBox[0], inBox[1], inBox[2]))
        print(String(format: "face_eyes=%.3f,%.3f,%.3f,%.3f", e[0], e[1], e[2], e[3]))
        print(String(format: "face_box=%.3f,%.3f", boxSide, raise))
    }

    static func canvas(around chip: RGBImage, scale: Int) -> RGBImage {
        var canvas = RGBImage(width: chip.width * scale, height: chip.height * scale, fill: (128, 128, 128))
        let offsetX = chip.width * (scale - 1) / 2, offsetY = chip.height * (scale - 1) / 2
        for y in 0..<chip.height {
            let from = y * chip.width * 3, to = ((y + offsetY) * canvas.width + offsetX) * 3
            canvas.pixels.replaceSubrange(to..<to + chip.width * 3, with: chip.pixels[from..<from + chip.width * 3])
        }
        return canvas
    }
}

private func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}
