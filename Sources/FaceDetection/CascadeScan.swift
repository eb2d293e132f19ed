import Kernels
import KernelsCore
import Parallel
import Synchronization

/// The multi-scale scan: integral images of each pyramid level, the cascades turned into window classifiers,
/// and the levels shared out among threads. The window loop itself is in KernelsCore (`scanWindows`), so
/// that the Haar classifier is compiled for each instruction-set path.

/// How a row of integral samples is stored. `split` puts the even columns first and the odd ones after them,
/// so that windows two columns apart (the scan step on fine levels) read consecutive samples and eight of them
/// load as one vector.
enum IntegralLayout {
    case plain, split
}

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

    /// The vector screen loads 8 consecutive samples from a window's corner; this keeps the last row's loads
    /// inside the buffer.
    static let padding = 8

    init(maxWidth: Int, maxHeight: Int, withSquares: Bool) {
        stride = maxWidth + 1
        sums = [Int32](repeating: 0, count: stride * (maxHeight + 1) + Self.padding)
        squares = [UInt32](repeating: 0, count: withSquares ? sums.count : 1)
        self.withSquares = withSquares
    }

    /// The tallest level these buffers hold.
    var maxHeight: Int { (sums.count - Self.padding) / stride - 1 }

    /// Where column `column` of a row is stored, relative to the row's start. For `split` this is also how far
    /// a sample `column` columns right of an even column is stored from it.
    func index(column: Int, layout: IntegralLayout) -> Int {
        switch layout {
        case .plain: column
        case .split: column % 2 == 0 ? column / 2 : (stride + 1) / 2 + column / 2
        }
    }

    /// Offsets of a rectangle's corners from its window's top-left sample: (top-left, top-right, bottom-left,
    /// bottom-right).
    func corners(x: Int, y: Int, width: Int, height: Int, layout: IntegralLayout) -> SIMD4<Int32> {
        let left = index(column: x, layout: layout), right = index(column: x + width, layout: layout)
        return SIMD4(Int32(y * stride + left), Int32(y * stride + right),
                     Int32((y + height) * stride + left), Int32((y + height) * stride + right))
    }

    mutating func load(_ level: GreyImage, layout: IntegralLayout) {
        precondition(level.width < stride && (level.height + 1) * stride + Self.padding <= sums.count,
                     "level larger than the buffers")
        let stride = self.stride
        let withSquares = self.withSquares
        let columns = (0...level.width).map { index(column: $0, layout: layout) }
        level.pixels.withUnsafeBufferPointer { pixels in
            sums.withUnsafeMutableBufferPointer { sum in
                squares.withUnsafeMutableBufferPointer { square in
                    for y in 0..<level.height {
                        var rowSum: Int32 = 0
                        var rowSquare: UInt32 = 0
                        let above = y * stride, here = (y + 1) * stride
                        for x in 0..<level.width {
                            let value = pixels[y * level.width + x]
                            let column = columns[x + 1]
                            rowSum &+= Int32(value)
                            sum[here + column] = sum[above + column] &+ rowSum
                            if withSquares {
                                rowSquare &+= UInt32(value) &* UInt32(value)
                                square[here + column] = square[above + column] &+ rowSquare
                            }
                        }
                    }
                }
            }
        }
    }
}

extension HaarClassifier {
    /// The cascade's Haar features as corner offsets in `integrals` laid out as `layout`.
    init(cascade: Cascade, rects: [[Cascade.HaarRect]], integrals: IntegralImages, layout: IntegralLayout) {
        let stumps = cascade.stumps.map { stump in
            let feature = rects[stump.feature]
            func part(_ i: Int) -> (SIMD4<Int32>, Float) {
                guard i < feature.count else { return (.zero, 0) }
                let r = feature[i]
                return (integrals.corners(x: r.x, y: r.y, width: r.width, height: r.height, layout: layout), r.weight)
            }
            let (r0, w0) = part(0), (r1, w1) = part(1), (r2, w2) = part(2)
            return Stump(rect0: r0, rect1: r1, rect2: r2, weights: SIMD3(w0, w1, w2),
                         threshold: stump.threshold, left: stump.left, right: stump.right)
        }
        // Variance normalisation reads the window less a one-pixel border, like OpenCV.
        self.init(windowWidth: cascade.windowWidth, windowHeight: cascade.windowHeight, stages: cascade.stages, stumps: stumps,
                  normRect: integrals.corners(x: 1, y: 1, width: cascade.windowWidth - 2, height: cascade.windowHeight - 2,
                                              layout: layout))
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
    let stages: [CascadeStage]
    let stumps: [Stump]

    init(cascade: Cascade, blocks: [Cascade.LBPBlock], integrals: IntegralImages, layout: IntegralLayout) {
        windowWidth = cascade.windowWidth
        windowHeight = cascade.windowHeight
        stages = cascade.stages
        stumps = cascade.stumps.enumerated().map { index, stump in
            let block = blocks[stump.feature]
            var grid = SIMD16<Int32>()
            for row in 0..<4 {
                for column in 0..<4 {
                    grid[row * 4 + column] = Int32((block.y + row * block.height) * integrals.stride
                        + integrals.index(column: block.x + column * block.width, layout: layout))
                }
            }
            var subset = SIMD8<Int32>()
            for word in 0..<8 { subset[word] = cascade.lbpSubsets[index * 8 + word] }
            return Stump(grid: grid, subset: subset, left: stump.left, right: stump.right)
        }
    }

    /// LBP stumps gather nine block sums each, which does not pay off in lanes; the screen is scalar.
    let screenedStages = 1

    func screen(window: Int, sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>) -> UInt8 {
        var bits: UInt8 = 0
        for lane in 0..<8 where passes(window: window + lane, stages: 0..<screenedStages, sums: sums) {
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

/// A cascade ready to scan grey images up to `maxWidth` wide: its classifiers for both integral layouts,
/// whose feature offsets depend only on the integral row stride, built once (thousands of stumps) rather
/// than for every scan.
struct CascadeScanner: Sendable {
    private enum Classifiers: Sendable {
        case haar(plain: HaarClassifier, split: HaarClassifier)
        case lbp(plain: LBPClassifier, split: LBPClassifier)
    }

    let maxWidth: Int
    private let withSquares: Bool
    private let classifiers: Classifiers
    private let spare = SpareIntegrals()

    init(cascade: Cascade, maxWidth: Int) {
        self.maxWidth = maxWidth
        // Only the stride matters to the offsets: a one-row image of the widest width.
        let integrals: IntegralImages
        switch cascade.features {
        case .haar(let rects):
            withSquares = true
            integrals = IntegralImages(maxWidth: maxWidth, maxHeight: 0, withSquares: true)
            classifiers = .haar(plain: HaarClassifier(cascade: cascade, rects: rects, integrals: integrals, layout: .plain),
                                split: HaarClassifier(cascade: cascade, rects: rects, integrals: integrals, layout: .split))
        case .lbp(let blocks):
            withSquares = false
            integrals = IntegralImages(maxWidth: maxWidth, maxHeight: 0, withSquares: false)
            classifiers = .lbp(plain: LBPClassifier(cascade: cascade, blocks: blocks, integrals: integrals, layout: .plain),
                               split: LBPClassifier(cascade: cascade, blocks: blocks, integrals: integrals, layout: .split))
        }
    }

    /// Runs the cascade over the pyramid of `grey`: level k is `grey` shrunk by `scaleFactor^k`, down to where
    /// the window no longer fits. Returns the accepted windows in `grey`'s pixels. The coarsest level (largest
    /// faces) goes first, so that the `maxCandidates` cut, if it ever bites, drops the smallest faces.
    ///
    /// Levels whose window is wider than `widest` are skipped. After each level that found something, `finest`
    /// says from all found so far the narrowest window worth looking for on the finer levels (0: all of them).
    func scan(_ grey: GreyImage, scaleFactor: Double, context: ComputeContext = .serial, kernels: KernelPath = .best,
              widest: Double = .infinity, finest: ([Candidate]) -> Double = { _ in 0 }) -> [Candidate] {
        precondition(grey.width <= maxWidth, "image wider than the scanner")
        var buffers = spare.take(context.threads, maxHeight: grey.height) {
            IntegralImages(maxWidth: maxWidth, maxHeight: grey.height, withSquares: withSquares)
        }
        defer { spare.giveBack(buffers) }
        switch classifiers {
        case .haar(let plain, let split):
            return scanPyramid(grey, &buffers, scaleFactor: scaleFactor, plain: plain, split: split, context: context,
                               kernels: kernels, widest: widest, finest: finest)
        case .lbp(let plain, let split):
            return scanPyramid(grey, &buffers, scaleFactor: scaleFactor, plain: plain, split: split, context: context,
                               kernels: kernels, widest: widest, finest: finest)
        }
    }
}

/// Integral-image buffers handed back by finished scans, for the next: a scan that allocated its own would
/// have the kernel map and zero up to a megabyte per thread, every time. Nothing writes the first row or
/// column, and a level only reads what its own load wrote, so a used buffer is as good as a fresh one.
final class SpareIntegrals: Sendable {
    private let buffers = Mutex<[IntegralImages]>([])
    /// Kept at most: one per thread of the scans that run at once.
    static let limit = 8

    /// `count` buffers for levels up to `maxHeight` rows, spare ones first, then made by `make`.
    func take(_ count: Int, maxHeight: Int, make: () -> IntegralImages) -> [IntegralImages] {
        var taken: [IntegralImages] = buffers.withLock { spare in
            var found: [IntegralImages] = []
            while found.count < count, let index = spare.firstIndex(where: { $0.maxHeight >= maxHeight }) {
                found.append(spare.remove(at: index))
            }
            return found
        }
        while taken.count < count { taken.append(make()) }
        return taken
    }

    func giveBack(_ returned: [IntegralImages]) {
        buffers.withLock { spare in
            spare.append(contentsOf: returned)
            spare.removeFirst(max(0, spare.count - Self.limit))
        }
    }
}

/// `CascadeScanner.scan` with a scanner made for `grey`.
func scanPyramid(_ grey: GreyImage, cascade: Cascade, scaleFactor: Double, context: ComputeContext = .serial,
                 kernels: KernelPath = .best)
    -> [Candidate] {
    CascadeScanner(cascade: cascade, maxWidth: grey.width).scan(grey, scaleFactor: scaleFactor, context: context, kernels: kernels)
}

/// Like OpenCV, windows step by 2 level pixels on the fine levels (split layout) and by 1 once a level pixel
/// spans 2 detection pixels (plain layout). (OpenCV also skips a position after a first-stage rejection;
/// screening eight windows at once makes that saving moot, so every position is tried.)
private func scanPyramid<C: WindowClassifier>(_ grey: GreyImage, _ buffers: inout [IntegralImages], scaleFactor: Double,
                                              plain: C, split: C, context: ComputeContext, kernels: KernelPath, widest: Double,
                                              finest: ([Candidate]) -> Double) -> [Candidate] {
    var levels: [PyramidLevel] = []
    var factor = 1.0
    while true {
        let width = Int((Double(grey.width) / factor).rounded())
        let height = Int((Double(grey.height) / factor).rounded())
        guard width >= plain.windowWidth, height >= plain.windowHeight,
              Double(plain.windowWidth) * factor <= widest else { break }
        levels.append(PyramidLevel(factor: factor, width: width, height: height))
        factor *= scaleFactor
    }
    levels.reverse()
    // Coarsest first, `context.threads` levels at a time; windows only shrink from there, so once `finest` rules a
    // level out it rules out every later one.
    let window = Double(plain.windowWidth), batch = context.threads
    var found: [Candidate] = [], smallest = 0.0, next = 0
    while next < levels.count, found.count < maxCandidates {
        let wanted = levels[next..<min(levels.count, next + batch)].filter { window * $0.factor >= smallest }
        guard !wanted.isEmpty else { break }
        next += batch
        let new = buffers.withUnsafeMutableBufferPointer { buffers in
            scanLevels(wanted, of: grey, buffers, plain: plain, split: split, context: context, kernels: kernels)
        }
        if !new.isEmpty {
            found += new
            smallest = finest(found)
        }
    }
    return Array(found.prefix(maxCandidates))
}

/// One level of the pyramid: `factor` times smaller than the detection image.
private struct PyramidLevel {
    var factor: Double, width: Int, height: Int
}

/// On `context.threads` threads, each part resizes, integrates and scans its own levels (longest first, each to the
/// least loaded part); the candidates are then put back in the serial, coarse-to-fine order.
/// `buffers` holds one set of integral images per thread, reused from call to call.
private func scanLevels<C: WindowClassifier>(_ levels: [PyramidLevel], of grey: GreyImage,
                                             _ buffers: UnsafeMutableBufferPointer<IntegralImages>,
                                             plain: C, split: C, context: ComputeContext, kernels: KernelPath) -> [Candidate] {
    let cost = levels.map { $0.width * $0.height / ($0.factor >= 2 ? 1 : 4) }
    let parts = max(1, min(context.threads, levels.count, buffers.count))
    var assigned = [[Int]](repeating: [], count: parts), load = [Int](repeating: 0, count: parts)
    for level in levels.indices.sorted(by: { cost[$0] > cost[$1] }) {
        let part = load.indices.min { load[$0] < load[$1] } ?? 0
        assigned[part].append(level)
        load[part] += cost[level]
    }
    var found = [[Candidate]](repeating: [], count: levels.count)
    found.withUnsafeMutableBufferPointer { found in
        let results = found
        parallelParts(parts, context: context, work: 64 * cost.reduce(0, +)) { _, range in
            for part in range {
                for index in assigned[part] {
                    let level = levels[index], step = level.factor >= 2 ? 1 : 2
                    buffers[part].load(level.factor == 1 ? grey : grey.bilinear(width: level.width, height: level.height),
                                       layout: step == 1 ? .plain : .split)
                    scanLevel(step == 1 ? plain : split, step: step, integrals: buffers[part], levelWidth: level.width,
                              levelHeight: level.height, factor: level.factor, kernels: kernels, into: &results[index])
                }
            }
        }
    }
    var candidates: [Candidate] = []
    for level in found where candidates.count < maxCandidates { candidates += level }
    return Array(candidates.prefix(maxCandidates))
}

/// Slides the classifier over one pyramid level (`factor` times smaller than the detection image), `step`
/// level pixels at a time, and appends the accepted windows in detection-image coordinates. Haar cascades
/// run on the `kernels` path's instantiation of the window loop (`KernelPath.cascadeISA`).
private func scanLevel<C: WindowClassifier>(_ classifier: C, step: Int, integrals: IntegralImages, levelWidth: Int,
                                            levelHeight: Int, factor: Double, kernels: KernelPath,
                                            into candidates: inout [Candidate]) {
    let width = Int((Double(classifier.windowWidth) * factor).rounded())
    let height = Int((Double(classifier.windowHeight) * factor).rounded())
    integrals.sums.withUnsafeBufferPointer { sums in
        integrals.squares.withUnsafeBufferPointer { squares in
            let s = sums.baseAddress.unsafelyUnwrapped, q = squares.baseAddress.unsafelyUnwrapped
            func accept(_ x: Int, _ y: Int) {
                candidates.append(Candidate(x: Int((Double(x) * factor).rounded()), y: Int((Double(y) * factor).rounded()),
                                            width: width, height: height))
            }
            if let haar = classifier as? HaarClassifier {
                kernels.cascadeISA.scanHaarWindows(haar, step: step, stride: integrals.stride, levelWidth: levelWidth,
                                            levelHeight: levelHeight, sums: s, squares: q, accept: accept)
            } else {
                scanWindows(as: C.self, classifier, step: step, stride: integrals.stride, levelWidth: levelWidth,
                            levelHeight: levelHeight, sums: s, squares: q, accept: accept)
            }
        }
    }
}
