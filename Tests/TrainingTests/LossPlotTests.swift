import Foundation
import Imaging
import Testing
@testable import Training

@Suite struct LossPlotTests {
    static func log(steps: Int) -> Data {
        let lines = (1...steps).map { step in
            let names = ["G", "F", "cycle_photo", "cycle_cartoon", "idt_G", "idt_F", "D_cartoon", "D_photo"]
            let values = names.enumerated().map { "\"\($1)\":\(Double($0 + 1) / Double(step))" }
            return "{\"step\":\(step),\"epoch\":0,\"lr\":0.0002," + values.joined(separator: ",") + ",\"seconds\":0.5}"
        }
        return Data((lines.joined(separator: "\n") + "\n{\"step\":99,\"G\":").utf8)  // a line cut by a crash
    }

    @Test func parsesTheLogAndSkipsACutLine() {
        let entries = LossPlot.entries(logContents: Self.log(steps: 5))
        #expect(entries.map(\.step) == [1, 2, 3, 4, 5])
        #expect(entries[1].values["cycle_photo"] == 1.5)
    }

    @Test func binsAverageEqualRunsOfSteps() {
        let entries = LossPlot.entries(logContents: Self.log(steps: 480))
        let bins = LossPlot.binned(entries, key: "G")
        #expect(bins.count == 240 && bins[0].step == 2 && bins.last?.step == 480)
        #expect(abs(bins[0].value - (1.0 + 0.5) / 2) < 1e-12)
    }

    @Test func drawsEveryCurveInItsColour() {
        let image = LossPlot.image(LossPlot.entries(logContents: Self.log(steps: 300)))
        #expect(image.width == LossPlot.panels.count * (LossPlot.plotWidth + 2 * LossPlot.margin))
        var seen = Set<[UInt8]>()
        for i in stride(from: 0, to: image.pixels.count, by: 3) { seen.insert(Array(image.pixels[i..<(i + 3)])) }
        for colour in LossPlot.colours { #expect(seen.contains([colour.0, colour.1, colour.2])) }
        // An empty log still gives a (blank) plot rather than an error.
        #expect(LossPlot.image([]).height == image.height)
    }
}
