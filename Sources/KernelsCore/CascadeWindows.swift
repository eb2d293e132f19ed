/// The inner loop of the Viola-Jones cascade scan (FaceDetection): windows slid over a pyramid level's integral
/// images and judged stage by stage. It lives here so that the Haar evaluation is compiled once per
/// instruction-set path, like the kernels (`KernelISA.scanHaarWindows`); the results are the same on every
/// path (the integer sums are exact, and no float operation is fused or reordered).

/// A stage of a boosted cascade: its stumps `firstStump..<firstStump + stumpCount`, and the score a window
/// needs to pass.
public struct CascadeStage: Sendable, Equatable {
    public var firstStump: Int
    public var stumpCount: Int
    public var threshold: Float

    public init(firstStump: Int, stumpCount: Int, threshold: Float) {
        self.firstStump = firstStump
        self.stumpCount = stumpCount
        self.threshold = threshold
    }
}

/// A cascade with its feature rectangles turned into offsets from a window's top-left integral sample, for
/// one layout of the integral images (FaceDetection's `IntegralLayout`).
///
/// Windows are judged eight at once (`screen`, for the first `screenedStages` stages): the windows whose
/// top-left samples are consecutive, i.e. adjacent columns in the plain layout, every other column in the
/// split one. Survivors of the screened stages finish the cascade one by one (`classify`), and so do the last
/// windows of a row.
public protocol WindowClassifier {
    var windowWidth: Int { get }
    var windowHeight: Int { get }
    /// How many leading stages `screen` evaluates.
    var screenedStages: Int { get }
    /// A bit per window (`window + lane`) that passed the first `screenedStages` stages.
    func screen(window: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> UInt8
    /// Whether the window passes stages `fromStage...`.
    func classify(window: Int, fromStage: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> Bool
}

@inlinable @inline(__always)
func boxSum<T: FixedWidthInteger>(_ p: UnsafePointer<T>, _ c: SIMD4<Int32>) -> T {
    p[Int(c.x)] &- p[Int(c.y)] &- p[Int(c.z)] &+ p[Int(c.w)]
}

@inlinable @inline(__always)
func load8<T: FixedWidthInteger>(_ p: UnsafePointer<T>) -> SIMD8<T> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<T>.self)
}

/// The box sums of eight windows with consecutive top-left samples.
@inlinable @inline(__always)
func boxSums<T: FixedWidthInteger>(_ p: UnsafePointer<T>, _ c: SIMD4<Int32>) -> SIMD8<T> {
    load8(p + Int(c.x)) &- load8(p + Int(c.y)) &- load8(p + Int(c.z)) &+ load8(p + Int(c.w))
}

/// `right` in the lanes where `mask` is set, `left` elsewhere, as bit operations: `SIMD.replacing(with:where:)`
/// compiles to a loop over lanes, which made the stump evaluation scalar.
@inlinable @inline(__always)
func select(_ left: Float, _ right: Float, where mask: SIMDMask<SIMD8<Int32>>) -> SIMD8<Float> {
    let take = unsafeBitCast(mask, to: SIMD8<UInt32>.self)
    let l = SIMD8<UInt32>(repeating: left.bitPattern), r = SIMD8<UInt32>(repeating: right.bitPattern)
    return unsafeBitCast((l & ~take) | (r & take), to: SIMD8<Float>.self)
}

/// `max(x, 0)` lane by lane as bit operations (see `select`); -0 becomes +0.
@inlinable @inline(__always)
func clampedAtZero(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let bits = unsafeBitCast(x, to: SIMD8<Int64>.self)
    return unsafeBitCast(bits & ~(bits &>> 63), to: SIMD8<Double>.self)
}

public struct HaarClassifier: WindowClassifier, Sendable {
    public struct Stump: Sendable {
        public var rect0: SIMD4<Int32>, rect1: SIMD4<Int32>, rect2: SIMD4<Int32>
        /// The third weight is 0 for two-rectangle features; its rectangle then points at sample 0 harmlessly.
        public var weights: SIMD3<Float>
        public var threshold: Float, left: Float, right: Float

        public init(rect0: SIMD4<Int32>, rect1: SIMD4<Int32>, rect2: SIMD4<Int32>, weights: SIMD3<Float>, threshold: Float,
                    left: Float, right: Float) {
            self.rect0 = rect0
            self.rect1 = rect1
            self.rect2 = rect2
            self.weights = weights
            self.threshold = threshold
            self.left = left
            self.right = right
        }
    }

    public let windowWidth: Int
    public let windowHeight: Int
    @usableFromInline let stages: [CascadeStage]
    /// Within each stage, the two-rectangle stumps (81% of OpenCV's frontal-face cascade) come first and
    /// skip the third rectangle's four loads; `threeRectStart[i]` is where stage i's three-rectangle ones begin.
    @usableFromInline let stumps: [Stump]
    @usableFromInline let threeRectStart: [Int]
    /// Variance normalisation uses the window shrunk by one pixel on each side, like OpenCV.
    @usableFromInline let normRect: SIMD4<Int32>
    @usableFromInline let normArea: Double
    /// Every stage: the windows that survive the first stages lie side by side on a face or an eye, so the
    /// lanes stay busy to the end. Measured (`cartoonify-bench faces`, AVX2): screening 8 of the stages and
    /// finishing one window at a time took 71.6 ms detect / 44.9 ms eyes for the six portraits, all of them
    /// 63.3 / 24.5 ms.
    public let screenedStages: Int

    public init(windowWidth: Int, windowHeight: Int, stages: [CascadeStage], stumps: [Stump], normRect: SIMD4<Int32>) {
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight
        var ordered: [Stump] = [], regrouped: [CascadeStage] = [], threeRectStart: [Int] = []
        ordered.reserveCapacity(stumps.count)
        for stage in stages {
            let own = stumps[stage.firstStump..<(stage.firstStump + stage.stumpCount)]
            regrouped.append(CascadeStage(firstStump: ordered.count, stumpCount: stage.stumpCount, threshold: stage.threshold))
            ordered += own.filter { $0.weights.z == 0 }
            threeRectStart.append(ordered.count)
            ordered += own.filter { $0.weights.z != 0 }
        }
        self.stages = regrouped
        self.stumps = ordered
        self.threeRectStart = threeRectStart
        self.normRect = normRect
        normArea = Double((windowWidth - 2) * (windowHeight - 2))
        screenedStages = stages.count
    }

    @inlinable @inline(__always)
    public func screen(window: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> UInt8 {
        let p = sums + window
        let sum = SIMD8<Double>(boxSums(p, normRect))
        let square = SIMD8<Double>(boxSums(squares + window, normRect))
        // (area * standard deviation)^2; windows with a deviation of 10 grey levels or less are skipped.
        let spread = normArea * square - sum * sum
        let norm = SIMD8<Float>(clampedAtZero(spread).squareRoot())
        var alive = norm .> Float(10 * normArea)
        guard any(alive) else { return 0 }
        stages.withUnsafeBufferPointer { stages in
            stumps.withUnsafeBufferPointer { stumps in
                for (index, stage) in stages.prefix(screenedStages).enumerated() {
                    var total = SIMD8<Float>()
                    let threeRect = threeRectStart[index]
                    screenStumps(stage.firstStump..<threeRect, threeRects: false, stumps, p, norm, &total)
                    screenStumps(threeRect..<(stage.firstStump + stage.stumpCount), threeRects: true, stumps, p, norm, &total)
                    alive .&= total .>= stage.threshold
                    if !any(alive) { return }
                }
            }
        }
        var bits: UInt8 = 0
        for lane in 0..<8 where alive[lane] { bits |= 1 << lane }
        return bits
    }

    @inlinable @inline(__always)
    public func classify(window: Int, fromStage: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> Bool {
        let p = sums + window
        let sum = Double(boxSum(p, normRect))
        let square = Double(boxSum(squares + window, normRect))
        let spread = normArea * square - sum * sum
        guard spread > 100 * normArea * normArea else { return false }
        let norm = Float(spread.squareRoot())
        return stages.withUnsafeBufferPointer { stages in
            stumps.withUnsafeBufferPointer { stumps in
                for index in fromStage..<stages.count {
                    let stage = stages[index], threeRect = threeRectStart[index]
                    var total: Float = 0
                    classifyStumps(stage.firstStump..<threeRect, threeRects: false, stumps, p, norm, &total)
                    classifyStumps(threeRect..<(stage.firstStump + stage.stumpCount), threeRects: true, stumps, p, norm, &total)
                    if total < stage.threshold { return false }
                }
                return true
            }
        }
    }

    /// Adds the votes of stumps `range` for eight windows; `threeRects` is constant at each call, so the
    /// two-rectangle loop carries no third rectangle.
    @inlinable @inline(__always)
    func screenStumps(_ range: Range<Int>, threeRects: Bool, _ stumps: UnsafeBufferPointer<Stump>, _ p: UnsafePointer<Int32>,
                      _ norm: SIMD8<Float>, _ total: inout SIMD8<Float>) {
        for s in range {
            let stump = stumps[s]
            var value = stump.weights.x * SIMD8<Float>(boxSums(p, stump.rect0)) + stump.weights.y * SIMD8<Float>(boxSums(p, stump.rect1))
            if threeRects { value += stump.weights.z * SIMD8<Float>(boxSums(p, stump.rect2)) }
            total += select(stump.left, stump.right, where: value .>= stump.threshold * norm)
        }
    }

    /// `screenStumps` for one window.
    @inlinable @inline(__always)
    func classifyStumps(_ range: Range<Int>, threeRects: Bool, _ stumps: UnsafeBufferPointer<Stump>, _ p: UnsafePointer<Int32>,
                        _ norm: Float, _ total: inout Float) {
        for s in range {
            let stump = stumps[s]
            var value = stump.weights.x * Float(boxSum(p, stump.rect0)) + stump.weights.y * Float(boxSum(p, stump.rect1))
            if threeRects { value += stump.weights.z * Float(boxSum(p, stump.rect2)) }
            total += value < stump.threshold * norm ? stump.left : stump.right
        }
    }
}

/// Slides `classifier` over one pyramid level of `levelWidth` x `levelHeight` pixels whose integral images
/// (`stride` samples a row) are `sums` and `squares`, `step` level pixels at a time, and hands each accepted
/// window's top-left corner, in level pixels, to `accept`.
///
/// `instance` only names the copy: the linker keeps one of several specialisations with the same type
/// arguments, so each instruction-set path passes its own type to keep the copy compiled for its flags.
@inlinable
public func scanWindows<Instance, C: WindowClassifier>(as instance: Instance.Type, _ classifier: C, step: Int, stride: Int,
                                                       levelWidth: Int, levelHeight: Int,
                                                       sums s: UnsafePointer<Int32>, squares q: UnsafePointer<UInt32>,
                                                       accept: (_ x: Int, _ y: Int) -> Void) {
    let lastX = levelWidth - classifier.windowWidth
    let lastY = levelHeight - classifier.windowHeight
    guard lastX >= 0, lastY >= 0 else { return }
    for y in Swift.stride(from: 0, through: lastY, by: step) {
        // Window x (a multiple of step) has its top-left sample at x / step in either layout.
        var x = 0
        while x + 7 * step <= lastX {
            var survivors = classifier.screen(window: y * stride + x / step, sums: s, squares: q)
            while survivors != 0 {
                let lane = survivors.trailingZeroBitCount
                survivors &= survivors - 1
                if classifier.classify(window: y * stride + x / step + lane, fromStage: classifier.screenedStages,
                                       sums: s, squares: q) {
                    accept(x + lane * step, y)
                }
            }
            x += 8 * step
        }
        while x <= lastX {
            if classifier.classify(window: y * stride + x / step, fromStage: 0, sums: s, squares: q) {
                accept(x, y)
            }
            x += step
        }
    }
}

extension KernelISA {
    @inlinable
    public static func scanHaarWindows(_ classifier: HaarClassifier, step: Int, stride: Int, levelWidth: Int, levelHeight: Int,
                                       sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>,
                                       accept: (_ x: Int, _ y: Int) -> Void) {
        scanWindows(as: Self.self, classifier, step: step, stride: stride, levelWidth: levelWidth, levelHeight: levelHeight,
                    sums: sums, squares: squares, accept: accept)
    }
}
