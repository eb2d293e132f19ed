/// The sliding-window pass of one pyramid level. Everything the inner loop touches lives in this file so the
/// optimiser can specialise and inline it without whole-module optimisation.

/// Integral images of a pyramid level (`(width+1) x (height+1)`, first row and column zero) in buffers
/// reused for every level. The row stride stays fixed at the largest level's, so feature offsets are
/// computed once per detection rather than once per level.
struct IntegralImages {
    let stride: Int
    private(set) var sums: [Int32]
    /// Squared sums wrap modulo 2^32; a window's sum of squares (at most 45*45*255^2) still comes out exact.
    /// A single unused sample when the cascade needs no variance.
    private(set) var squares: [UInt32]
    private let withSquares: Bool

    /// The vector screen loads 16 consecutive samples from a window's corner; this keeps the last row's loads
    /// inside the buffer.
    static let padding = 16

    init(maxWidth: Int, maxHeight: Int, withSquares: Bool) {
        stride = maxWidth + 1
        sums = [Int32](repeating: 0, count: stride * (maxHeight + 1) + Self.padding)
        squares = [UInt32](repeating: 0, count: withSquares ? sums.count : 1)
        self.withSquares = withSquares
    }

    mutating func load(_ level: GreyImage) {
        precondition(level.width < stride && (level.height + 1) * stride + Self.padding <= sums.count,
                     "level larger than the buffers")
        let stride = self.stride
        let withSquares = self.withSquares
        level.pixels.withUnsafeBufferPointer { pixels in
            sums.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { square in
                    for y in 0..<level.height {
                        var rowSum: Int32 = 0
                        var rowSquare: UInt32 = 0
                        let above = y * stride, here = (y + 1) * stride
                        for x in 0..<level.width {
                            let value = pixels[y * level.width + x]
                            rowSum &+= Int32(value)
                            sum[here + x + 1] = sum[above + x + 1] &+ rowSum
                            if withSquares {
                                rowSquare &+= UInt32(value) &* UInt32(value)
                                square[here + x + 1] = square[above + x + 1] &+ rowSquare
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A cascade with its feature rectangles turned into offsets from a window's top-left integral sample.
///
/// Most windows die in the first stages, so those are run on eight horizontally adjacent windows at once
/// (`screen`); the few survivors finish the cascade one by one (`classify`).
protocol WindowClassifier {
    var windowWidth: Int { get }
    var windowHeight: Int { get }
    /// How many leading stages `screen` evaluates.
    var screenedStages: Int { get }
    /// A bit per window (`window + lane * Step.lanes`) that passed the first `screenedStages` stages.
    func screen<Step: LaneStep>(window: Int, step: Step.Type, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> UInt8
    /// Whether the window passes stages `fromStage...`.
    func classify(window: Int, fromStage: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> Bool
}

/// The spacing of the eight windows `screen` looks at, as a type so that each spacing gets its own
/// specialised loop.
protocol LaneStep {
    static var lanes: Int { get }
    /// The integral samples at `p`, `p + lanes`, ... `p + 7 * lanes`.
    static func load<T: FixedWidthInteger>(_ p: UnsafePointer<T>) -> SIMD8<T>
}

enum StepOne: LaneStep {
    static var lanes: Int { 1 }
    @inline(__always) static func load<T: FixedWidthInteger>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
    }
}

enum StepTwo: LaneStep {
    static var lanes: Int { 2 }
    @inline(__always) static func load<T: FixedWidthInteger>(_ p: UnsafePointer<T>) -> SIMD8<T> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<T>.self).evenHalf
    }
}

/// The four integral samples of a rectangle, as (top-left, top-right, bottom-left, bottom-right).
private func corners(x: Int, y: Int, width: Int, height: Int, stride: Int) -> SIMD4<Int32> {
    SIMD4(Int32(y * stride + x), Int32(y * stride + x + width),
          Int32((y + height) * stride + x), Int32((y + height) * stride + x + width))
}

@inline(__always)
private func boxSum<T: FixedWidthInteger>(_ p: UnsafePointer<T>, _ c: SIMD4<Int32>) -> T {
    p[Int(c.x)] &- p[Int(c.y)] &- p[Int(c.z)] &+ p[Int(c.w)]
}

@inline(__always)
private func boxSums<Step: LaneStep, T: FixedWidthInteger>(_ p: UnsafePointer<T>, _ c: SIMD4<Int32>, _: Step.Type) -> SIMD8<T> {
    Step.load(p + Int(c.x)) &- Step.load(p + Int(c.y)) &- Step.load(p + Int(c.z)) &+ Step.load(p + Int(c.w))
}

struct HaarClassifier: WindowClassifier {
    struct Stump {
        var rect0: SIMD4<Int32>, rect1: SIMD4<Int32>, rect2: SIMD4<Int32>
        /// The third weight is 0 for two-rectangle features; its rectangle then points at sample 0 harmlessly.
        var weights: SIMD3<Float>
        var threshold: Float, left: Float, right: Float
    }

    let windowWidth: Int
    let windowHeight: Int
    let stages: [Cascade.Stage]
    let stumps: [Stump]
    /// Variance normalisation uses the window shrunk by one pixel on each side, like OpenCV.
    let normRect: SIMD4<Int32>
    let normArea: Double
    /// Past about eight stages so few windows are left that lanes would mostly idle.
    let screenedStages: Int

    init(cascade: Cascade, rects: [[Cascade.HaarRect]], stride: Int) {
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        stages = cascade.stages
        stumps = cascade.stumps.map { stump in
            let feature = rects[stump.feature]
            func part(_ i: Int) -> (SIMD4<Int32>, Float) {
                guard i < feature.count else { return (.zero, 0) }
                let r = feature[i]
                return (corners(x: r.x, y: r.y, width: r.width, height: r.height, stride: stride), r.weight)
            }
            let (r0, w0) = part(0), (r1, w1) = part(1), (r2, w2) = part(2)
            return Stump(rect0: r0, rect1: r1, rect2: r2, weights: SIMD3(w0, w1, w2),
                         threshold: stump.threshold, left: stump.left, right: stump.right)
        }
        normRect = corners(x: 1, y: 1, width: windowWidth - 2, height: windowHeight - 2, stride: stride)
        normArea = Double((windowWidth - 2) * (windowHeight - 2))
        screenedStages = min(8, stages.count)
    }

    func screen<Step: LaneStep>(window: Int, step: Step.Type, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> UInt8 {
        let p = sums + window
        let sum = SIMD8<Double>(boxSums(p, normRect, Step.self))
        let square = SIMD8<Double>(boxSums(squares + window, normRect, Step.self))
        // (area * standard deviation)^2; windows with a deviation of 10 grey levels or less are skipped.
        let spread = normArea * square - sum * sum
        let norm = SIMD8<Float>(spread.replacing(with: 0, where: spread .< 0).squareRoot())
        var alive = norm .> Float(10 * normArea)
        guard any(alive) else { return 0 }
        stages.withUnsafeBufferPointer { stages in
            stumps.withUnsafeBufferPointer { stumps in
                for stage in stages.prefix(screenedStages) {
                    var total = SIMD8<Float>()
                    for s in stage.firstStump..<(stage.firstStump + stage.stumpCount) {
                        let stump = stumps[s]
                        let value = stump.weights.x * SIMD8<Float>(boxSums(p, stump.rect0, Step.self))
                            + stump.weights.y * SIMD8<Float>(boxSums(p, stump.rect1, Step.self))
                            + stump.weights.z * SIMD8<Float>(boxSums(p, stump.rect2, Step.self))
                        total += SIMD8(repeating: stump.left)
                            .replacing(with: stump.right, where: value .>= stump.threshold * norm)
                    }
                    alive .&= total .>= stage.threshold
                    if !any(alive) { return }
                }
            }
        }
        var bits: UInt8 = 0
        for lane in 0..<8 where alive[lane] { bits |= 1 << lane }
        return bits
    }

    func classify(window: Int, fromStage: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> Bool {
        let p = sums + window
        let sum = Double(boxSum(p, normRect))
        let square = Double(boxSum(squares + window, normRect))
        let spread = normArea * square - sum * sum
        guard spread > 100 * normArea * normArea else { return false }
        let norm = Float(spread.squareRoot())
        return stages.withUnsafeBufferPointer { stages in
            stumps.withUnsafeBufferPointer { stumps in
                for stage in stages[fromStage...] {
                    var total: Float = 0
                    for s in stage.firstStump..<(stage.firstStump + stage.stumpCount) {
                        let stump = stumps[s]
                        let value = stump.weights.x * Float(boxSum(p, stump.rect0))
                            + stump.weights.y * Float(boxSum(p, stump.rect1))
                            + stump.weights.z * Float(boxSum(p, stump.rect2))
                        total += value < stump.threshold * norm ? stump.left : stump.right
                    }
                    if total < stage.threshold { return false }
                }
                return true
            }
        }
    }
}

struct LBPClassifier: WindowClassifier {
    struct Stump {
        /// The 4x4 integral samples of the 3x3 block grid, row by row.
        var grid: SIMD16<Int32>
        var subset: SIMD8<Int32>
        var left: Float, right: Float
    }

    let windowWidth: Int
    let windowHeight: Int
    let stages: [Cascade.Stage]
    let stumps: [Stump]

    init(cascade: Cascade, blocks: [Cascade.LBPBlock], stride: Int) {
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        stages = cascade.stages
        stumps = cascade.stumps.enumerated().map { index, stump in
            let block = blocks[stump.feature]
            var grid = SIMD16<Int32>()
            for row in 0..<4 {
                for column in 0..<4 {
                    grid[row * 4 + column] = Int32((block.y + row * block.height) * stride + block.x + column * block.width)
                }
            }
            var subset = SIMD8<Int32>()
            for word in 0..<8 { subset[word] = cascade.lbpSubsets[index * 8 + word] }
            return Stump(grid: grid, subset: subset, left: stump.left, right: stump.right)
        }
    }

    /// LBP stumps gather nine block sums each, which does not pay off in lanes; the screen is scalar.
    let screenedStages = 1

    func screen<Step: LaneStep>(window: Int, step: Step.Type, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> UInt8 {
        var bits: UInt8 = 0
        for lane in 0..<8 where passes(window: window + lane * Step.lanes, stages: 0..<screenedStages, sums: sums) {
            bits |= 1 << lane
        }
        return bits
    }

    func classify(window: Int, fromStage: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> Bool {
        passes(window: window, stages: fromStage..<stages.count, sums: sums)
    }

    private func passes(window: Int, stages range: Range<Int>, sums: UnsafePointer<Int32>) -> Bool {
        let p = sums + window
        return stages.withUnsafeBufferPointer { stages in
            stumps.withUnsafeBufferPointer { stumps in
                for stage in stages[range] {
                    var total: Float = 0
                    for s in stage.firstStump..<(stage.firstStump + stage.stumpCount) {
                        let stump = stumps[s]
                        let g = stump.grid
                        @inline(__always) func block(_ i: Int) -> Int32 {
                            p[Int(g[i])] &- p[Int(g[i + 1])] &- p[Int(g[i + 4])] &+ p[Int(g[i + 5])]
                        }
                        let centre = block(5)
                        // Neighbours clockwise from the top-left block, most significant bit first (OpenCV's order).
                        var code = (block(0) >= centre ? 128 : 0) | (block(1) >= centre ? 64 : 0)
                        code |= (block(2) >= centre ? 32 : 0) | (block(6) >= centre ? 16 : 0)
                        code |= (block(10) >= centre ? 8 : 0) | (block(9) >= centre ? 4 : 0)
                        code |= (block(8) >= centre ? 2 : 0) | (block(4) >= centre ? 1 : 0)
                        let inSubset = stump.subset[code >> 5] & (1 << Int32(code & 31)) != 0
                        total += inSubset ? stump.left : stump.right
                    }
                    if total < stage.threshold { return false }
                }
                return true
            }
        }
    }
}

/// A window that passed the cascade, in detection-image pixels.
struct Candidate: Equatable {
    var x: Int, y: Int, width: Int, height: Int
}

/// At most this many accepted windows are kept. A face yields tens; grouping compares every pair, so an image
/// that made a cascade fire nearly everywhere would otherwise cost seconds.
let maxCandidates = 4096

/// Runs the cascade over the pyramid of `grey`: level k is `grey` shrunk by `scaleFactor^k`, down to where the
/// window no longer fits. Returns the accepted windows in `grey`'s pixels. The coarsest level (largest faces)
/// goes first, so that the `maxCandidates` cut, if it ever bites, drops the smallest faces.
func scanPyramid(_ grey: GreyImage, cascade: Cascade, scaleFactor: Double) -> [Candidate] {
    switch cascade.features {
    case .haar(let rects):
        let integrals = IntegralImages(maxWidth: grey.width, maxHeight: grey.height, withSquares: true)
        return scanPyramid(grey, HaarClassifier(cascade: cascade, rects: rects, stride: integrals.stride), integrals,
                           scaleFactor: scaleFactor)
    case .lbp(let blocks):
        let integrals = IntegralImages(maxWidth: grey.width, maxHeight: grey.height, withSquares: false)
        return scanPyramid(grey, LBPClassifier(cascade: cascade, blocks: blocks, stride: integrals.stride), integrals,
                           scaleFactor: scaleFactor)
    }
}

private func scanPyramid<C: WindowClassifier>(_ grey: GreyImage, _ classifier: C, _ integrals: IntegralImages,
                                              scaleFactor: Double) -> [Candidate] {
    var levels: [(factor: Double, width: Int, height: Int)] = []
    var factor = 1.0
    while true {
        let width = Int((Double(grey.width) / factor).rounded())
        let height = Int((Double(grey.height) / factor).rounded())
        guard width >= classifier.windowWidth, height >= classifier.windowHeight else { break }
        levels.append((factor, width, height))
        factor *= scaleFactor
    }
    var integrals = integrals
    var candidates: [Candidate] = []
    for level in levels.reversed() where candidates.count < maxCandidates {
        integrals.load(level.factor == 1 ? grey : grey.bilinear(width: level.width, height: level.height))
        scanLevel(classifier, integrals: integrals, levelWidth: level.width, levelHeight: level.height,
                  factor: level.factor, into: &candidates)
    }
    return Array(candidates.prefix(maxCandidates))
}

/// Slides the classifier over one pyramid level (`factor` times smaller than the detection image) and appends
/// the accepted windows in detection-image coordinates. Like OpenCV, the step is 2 level pixels on the fine
/// levels and 1 once a level pixel spans 2 detection pixels. (OpenCV also skips a position after a
/// first-stage rejection; screening eight windows at once makes that saving moot, so every position is tried.)
private func scanLevel<C: WindowClassifier>(_ classifier: C, integrals: IntegralImages, levelWidth: Int, levelHeight: Int,
                                    factor: Double, into candidates: inout [Candidate]) {
    if factor >= 2 {
        scanLevel(classifier, StepOne.self, integrals: integrals, levelWidth: levelWidth, levelHeight: levelHeight,
                  factor: factor, into: &candidates)
    } else {
        scanLevel(classifier, StepTwo.self, integrals: integrals, levelWidth: levelWidth, levelHeight: levelHeight,
                  factor: factor, into: &candidates)
    }
}

private func scanLevel<C: WindowClassifier, Step: LaneStep>(
    _ classifier: C, _ step: Step.Type, integrals: IntegralImages, levelWidth: Int, levelHeight: Int,
    factor: Double, into candidates: inout [Candidate]
) {
    let lastX = levelWidth - classifier.windowWidth
    let lastY = levelHeight - classifier.windowHeight
    guard lastX >= 0, lastY >= 0 else { return }
    let width = Int((Double(classifier.windowWidth) * factor).rounded())
    let height = Int((Double(classifier.windowHeight) * factor).rounded())
    let stride = integrals.stride
    let run = 8 * Step.lanes
    integrals.sums.withUnsafeBufferPointer { sums in
        integrals.squares.withUnsafeBufferPointer { squares in
            let s = sums.baseAddress.unsafelyUnwrapped
            let q = squares.baseAddress.unsafelyUnwrapped
            func accept(_ x: Int, _ y: Int) {
                candidates.append(Candidate(x: Int((Double(x) * factor).rounded()), y: Int((Double(y) * factor).rounded()),
                                            width: width, height: height))
            }
            for y in Swift.stride(from: 0, through: lastY, by: Step.lanes) {
                var x = 0
                while x + run - Step.lanes <= lastX {
                    var survivors = classifier.screen(window: y * stride + x, step: Step.self, sums: s, squares: q)
                    while survivors != 0 {
                        let lane = survivors.trailingZeroBitCount
                        survivors &= survivors - 1
                        let windowX = x + lane * Step.lanes
                        if classifier.classify(window: y * stride + windowX, fromStage: classifier.screenedStages,
                                               sums: s, squares: q) {
                            accept(windowX, y)
                        }
                    }
                    x += run
                }
                while x <= lastX {
                    if classifier.classify(window: y * stride + x, fromStage: 0, sums: s, squares: q) {
                        accept(x, y)
                    }
                    x += Step.lanes
                }
            }
        }
    }
}
