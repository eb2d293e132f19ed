import Foundation
import Imaging

/// The run's losses drawn as a PNG (one panel per loss family, each curve the mean of equal bins of steps), so
/// a run can be judged at a glance beside its sample sheets.
package enum LossPlot {
    /// The curves of each panel, by their log names.
    static let panels: [(title: String, curves: [String])] = [
        ("adversarial", ["G", "F", "D_cartoon", "D_photo"]),
        ("cycle", ["cycle_photo", "cycle_cartoon"]),
        ("identity, colour", ["idt_G", "idt_F", "colour_G", "colour_F"]),
        ("lightening, teacher, peaks, edges", ["lighten_G", "teacher_G", "peaks_G", "edges_G"]),
    ]
    /// One per curve of the fullest panel.
    static let colours: [(UInt8, UInt8, UInt8)] = [(31, 119, 180), (214, 39, 40), (44, 160, 44), (148, 103, 189)]
    static let plotWidth = 360, plotHeight = 240, margin = 44, bins = 240

    /// One parsed line of `losses.jsonl`.
    package struct Entry: Sendable, Equatable {
        package var step: Int
        package var values: [String: Double]
    }

    /// Parses a loss log; lines that are not JSON objects with a `step` (a line cut by a crash) are skipped.
    package static func entries(logContents: Data) -> [Entry] {
        String(decoding: logContents, as: UTF8.self).split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let step = object["step"] as? Int else { return nil }
            return Entry(step: step, values: object.compactMapValues { ($0 as? NSNumber)?.doubleValue })
        }
    }

    /// Reads the log at `logPath` and writes the plot to `path` atomically.
    package static func write(logPath: String, to path: String) throws(TrainingError) {
        guard let data = FileManager.default.contents(atPath: logPath) else {
            throw .writeFailed(path: path, reason: "cannot read the loss log \(logPath)")
        }
        do {
            try AtomicFile.store(try PNGEncoder.encode(image(entries(logContents: data))), at: path)
        } catch let error as TrainingError {
            throw error
        } catch {
            throw .writeFailed(path: path, reason: "\(error)")
        }
    }

    /// The plot: panels side by side, each with its title, its y range and the steps it covers.
    package static func image(_ entries: [Entry]) -> RGBImage {
        let panelWidth = plotWidth + 2 * margin, panelHeight = plotHeight + 3 * margin
        var image = RGBImage(width: panelWidth * panels.count, height: panelHeight, fill: (255, 255, 255))
        let lastStep = entries.last?.step ?? 0
        for (p, panel) in panels.enumerated() {
            let left = p * panelWidth + margin, top = 2 * margin
            let series = panel.curves.map { binned(entries, key: $0) }
            let peak = max(series.flatMap { $0 }.map(\.value).max() ?? 1, 1e-6) * 1.1
            BitmapFont.draw(panel.title, at: left, 8, scale: 2, colour: (0, 0, 0), on: &image)
            for (c, name) in panel.curves.enumerated() {
                let x = left + c * plotWidth / panel.curves.count
                image.fill(x: x, y: 36, width: 14, height: 4, colour: colours[c])
                BitmapFont.draw(name, at: x + 18, 34, scale: 1, colour: (0, 0, 0), on: &image)
            }
            // Axes with the y range and the step range as labels.
            image.fill(x: left, y: top, width: 1, height: plotHeight, colour: (0, 0, 0))
            image.fill(x: left, y: top + plotHeight, width: plotWidth, height: 1, colour: (0, 0, 0))
            for fraction in [0.5, 1.0] {
                let y = top + plotHeight - Int(Double(plotHeight) * fraction / 1.1)
                image.fill(x: left + 1, y: y, width: plotWidth, height: 1, colour: (225, 225, 225))
                BitmapFont.draw(String(format: "%.2f", peak * fraction / 1.1), at: left - margin + 2, y - 3, scale: 1,
                                colour: (0, 0, 0), on: &image)
            }
            BitmapFont.draw("0", at: left - 8, top + plotHeight - 3, scale: 1, colour: (0, 0, 0), on: &image)
            let stepLabel = "step \(lastStep)"
            BitmapFont.draw(stepLabel, at: left + plotWidth - BitmapFont.width(of: stepLabel, scale: 1),
                            top + plotHeight + 6, scale: 1, colour: (0, 0, 0), on: &image)
            for (c, points) in series.enumerated() {
                let pixels = points.map { point in
                    (left + Int(Double(plotWidth - 1) * Double(point.step) / Double(max(lastStep, 1))),
                     top + plotHeight - 1 - Int(Double(plotHeight - 1) * point.value / peak))
                }
                for (a, b) in zip(pixels, pixels.dropFirst()) { image.line(from: a, to: b, colour: colours[c]) }
            }
        }
        return image
    }

    /// The mean of `key` over `bins` equal runs of entries, each placed at its last step.
    static func binned(_ entries: [Entry], key: String) -> [(step: Int, value: Double)] {
        let values = entries.compactMap { entry in entry.values[key].map { (entry.step, $0) } }
        guard !values.isEmpty else { return [] }
        let perBin = max(1, (values.count + bins - 1) / bins)
        return stride(from: 0, to: values.count, by: perBin).map { start in
            let run = values[start..<min(values.count, start + perBin)]
            return (run.last?.0 ?? 0, run.map(\.1).reduce(0, +) / Double(run.count))
        }
    }
}

extension RGBImage {
    /// A 2-pixel-thick straight line, clipped to the image.
    mutating func line(from a: (Int, Int), to b: (Int, Int), colour: (UInt8, UInt8, UInt8)) {
        let steps = max(abs(b.0 - a.0), abs(b.1 - a.1), 1)
        for i in 0...steps {
            let x = a.0 + (b.0 - a.0) * i / steps, y = a.1 + (b.1 - a.1) * i / steps
            fill(x: x, y: y, width: 2, height: 2, colour: colour)
        }
    }
}
