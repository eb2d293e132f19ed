import NN
import Testing
@testable import Training

/// `--teacher-posterize`: the distillation target becomes a few flat colours with clean borders.
@Suite struct TeacherPosterizingTests {
    static let side = 16, plane = 256

    static func colours(_ image: Tensor) -> Set<SIMD3<Float>> {
        Set((0..<plane).map { i in SIMD3((0..<3).map { image.storage[$0 * plane + i] }) })
    }

    /// Equal up to float rounding: a centre is the mean of identical pixels, not always bit-for-bit one of them.
    static func same(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }
    }

    /// A smooth ramp of 16 grey levels and a gradient in red come out as at most K colours, each the mean of
    /// the pixels it replaced (so the image's mean colour is kept), and the same image twice gives the same cut.
    @Test func aRampBecomesKFlatColours() {
        let ramp = rgbTensor(side: Self.side) { row, column in
            let t = Float(column) / 15 * 1.6 - 0.8
            return SIMD3(t + Float(row) * 0.01, t, t - 0.1)
        }
        for k in [2, 4, 10] {
            let cut = TeacherPosterizing.posterized(ramp, colours: k)
            #expect(Self.colours(cut).count <= k)
            #expect(Self.colours(cut).count >= min(k, 2))
            for channel in 0..<3 {
                let range = (channel * Self.plane)..<((channel + 1) * Self.plane)
                let before = ramp.storage[range].reduce(0, +), after = cut.storage[range].reduce(0, +)
                #expect(abs(before - after) / Float(Self.plane) < 0.02)
            }
            #expect(TeacherPosterizing.posterized(ramp, colours: k) == cut)
        }
    }

    /// An image of exactly two colours stays as it is with K >= 2, and a one-pixel speck of a third colour
    /// gives way to its neighbours' colour even when K leaves it a cluster of its own.
    @Test func flatFillsStayAndSpecksGo() {
        let (skin, hair) = (SIMD3<Float>(0.5, 0.1, -0.1), SIMD3<Float>(-0.7, -0.75, -0.8))
        let two = rgbTensor(side: Self.side) { _, column in column < 6 ? hair : skin }
        #expect(Self.same(TeacherPosterizing.posterized(two, colours: 2).storage, two.storage))
        #expect(Self.same(TeacherPosterizing.posterized(two, colours: 8).storage, two.storage))
        let speckled = rgbTensor(side: Self.side) { row, column in
            row == 9 && column == 11 ? SIMD3(1, 1, 1) : column < 6 ? hair : skin
        }
        #expect(Self.same(TeacherPosterizing.posterized(speckled, colours: 3).storage, two.storage))
    }

    /// Each image of a batch is cut on its own colours: a second, red image does not pull the first's centres.
    @Test func imagesOfABatchAreCutApart() {
        let first = rgbTensor(side: Self.side) { _, column in column < 8 ? SIMD3(-0.5, -0.5, -0.5) : SIMD3(0.5, 0.5, 0.5) }
        let second = rgbTensor(side: Self.side) { row, _ in row < 8 ? SIMD3(0.9, -0.9, -0.9) : SIMD3(0.2, -0.2, -0.2) }
        let batch = Tensor(shape: [2, 3, Self.side, Self.side], storage: first.storage + second.storage)
        let cut = TeacherPosterizing.posterized(batch, colours: 2)
        #expect(Self.same(cut.storage[0..<(3 * Self.plane)], first.storage))
        #expect(Self.same(cut.storage[(3 * Self.plane)...], second.storage))
    }
}
