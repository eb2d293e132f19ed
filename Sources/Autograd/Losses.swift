import NN

extension Tape {
    /// LSGAN loss: mean of (prediction - target)² with target 1 (real) or 0 (fake), as `nn.MSELoss`.
    package func meanSquaredError(_ prediction: Variable, target: Float) -> Variable {
        let p = value(prediction)
        var sum = 0.0
        p.storage.withBase { ps in
            for i in 0..<p.count {
                let d = Double(ps[i]) - Double(target)
                sum += d * d
            }
        }
        let n = Float(p.count)
        return record(Tensor(shape: [1], storage: [Float(sum / Double(p.count))]), inputs: [prediction]) { dy, _ in
            let g = dy.storage[0] * 2 / n
            return [p.map { ($0 - target) * g }]
        }
    }

    /// Distillation loss: mean (a - b)², as `nn.MSELoss`, or mean w (a - b)² with per-element `weights` of
    /// a's shape (still divided by the element count, so a weight above 1 adds pull). Unlike L1, its gradient
    /// fades where a student already matches its teacher, so the few pixels where they should differ are not
    /// drowned out; weights make those few count more.
    package func meanSquaredError(_ a: Variable, _ b: Variable, weights: Tensor? = nil) -> Variable {
        let difference = zipElements(value(a), value(b), context: kernels.context, -)
        precondition(weights.map { $0.shape == difference.shape } ?? true, "weights must have the shape of the difference")
        let weighted = weights.map { zipElements(difference, $0, context: kernels.context, *) } ?? difference
        var sum = 0.0
        difference.storage.withBase { ds in
            weighted.storage.withBase { ws in
                for i in 0..<difference.count { sum += Double(ds[i]) * Double(ws[i]) }
            }
        }
        let n = Float(difference.count)
        return record(Tensor(shape: [1], storage: [Float(sum / Double(difference.count))]), inputs: [a, b]) { dy, needs in
            let g = dy.storage[0] * 2 / n
            let da = weighted.map { $0 * g }
            return [da, needs[1] ? da.map { -$0 } : nil]
        }
    }

    /// Cycle and identity loss: mean |a - b|, as `nn.L1Loss` (gradient sign(a - b) / n, zero where equal), or
    /// mean w |a - b| with per-element `weights` of a's shape (still divided by the element count). As a
    /// distillation loss it learns the target's median where the mean squared error learns its mean: where
    /// the photo leaves a target's feature ambiguous (which dark blob is the iris), the median draws it once,
    /// at the likelier place, and the mean draws a faint copy at each.
    package func meanAbsoluteError(_ a: Variable, _ b: Variable, weights: Tensor? = nil) -> Variable {
        let (x, z) = (value(a), value(b))
        let difference = zipElements(x, z, context: kernels.context, -)
        precondition(weights.map { $0.shape == difference.shape } ?? true, "weights must have the shape of the difference")
        var sum = 0.0
        difference.storage.withBase { ds in
            if let weights {
                weights.storage.withBase { ws in
                    for i in 0..<difference.count { sum += Double(abs(ds[i])) * Double(ws[i]) }
                }
            } else {
                for i in 0..<difference.count { sum += Double(abs(ds[i])) }
            }
        }
        let (n, context) = (Float(x.count), kernels.context)
        return record(Tensor(shape: [1], storage: [Float(sum / Double(x.count))]), inputs: [a, b]) { dy, needs in
            let g = dy.storage[0] / n
            let signs = difference.map { $0 > 0 ? g : ($0 < 0 ? -g : 0) }
            let da = weights.map { zipElements(signs, $0, context: context, *) } ?? signs
            return [da, needs[1] ? da.map { -$0 } : nil]
        }
    }

    /// Lightening loss: mean over pixels of max(0, grey(a) - grey(b) - margin), grey with the ITU-R 601
    /// weights over NCHW RGB planes in [-1, 1]. Only pixels of `a` lighter than `b` by more than the margin
    /// count: the white blots a generator paints where the photo has a highlight, and nothing a cartoon may
    /// do within the margin (lighter skin, flatter shading, darker anything). `b` gets no gradient.
    package func lighteningHingeLoss(_ a: Variable, over b: Variable, margin: Float) -> Variable {
        let x = value(a)
        let excess = x.lightening(over: value(b)).map { max(0, $0 - margin) }
        let (n, _, h, w) = x.nchw
        let plane = h * w
        let count = Float(n * plane)
        let sum = excess.reduce(0.0) { $0 + Double($1) }
        return record(Tensor(shape: [1], storage: [Float(sum / Double(count))]), inputs: [a, b]) { dy, _ in
            let scale = dy.storage[0] / count
            var da = [Float](repeating: 0, count: x.count)
            for image in 0..<n {
                for i in 0..<plane where excess[image * plane + i] > 0 {
                    for channel in 0..<3 {
                        da[(image * 3 + channel) * plane + i] = Tensor.greyWeights[channel] * scale
                    }
                }
            }
            return [Tensor(shape: x.shape, storage: da), nil]
        }
    }

    /// Peak loss: the sum over `xs` of the mean of max(0, |x| - limit)², for normalised activations (instance
    /// norm outputs, in standard deviations of their channel). A generator with instance norm learns to put a
    /// strong, few-pixel spike into a channel, which inflates that channel's deviation and so scales the rest
    /// of it down; the spike itself comes out as a bright dot (the "droplets" of Karras et al. 2020, section
    /// 2). Values within `limit` cost nothing, so the channels' ordinary features are left alone.
    package func peakHingeLoss(_ xs: [Variable], limit: Float) -> Variable {
        let values = xs.map { value($0) }
        var total = 0.0
        for x in values {
            total += x.storage.reduce(0.0) { sum, v in
                let excess = max(0, abs(v) - limit)
                return sum + Double(excess * excess)
            } / Double(x.count)
        }
        return record(Tensor(shape: [1], storage: [Float(total)]), inputs: xs) { dy, needs in
            zip(values, needs).map { x, need in
                guard need else { return nil }
                let scale = 2 * dy.storage[0] / Float(x.count)
                return Tensor(shape: x.shape, storage: x.storage.map { v in
                    let excess = max(0, abs(v) - limit)
                    return v < 0 ? -scale * excess : scale * excess
                })
            }
        }
    }

    /// Colour loss: mean |block mean of a - block mean of b| over a `grid` x `grid` split of each plane.
    /// Compares only the coarse colour layout, so a generator keeps the photo's skin and hair tones while
    /// free to redraw every edge and texture inside a block. Planes must divide evenly by `grid`.
    package func blockMeanAbsoluteError(_ a: Variable, _ b: Variable, grid: Int) -> Variable {
        let (x, z) = (value(a), value(b))
        let (n, c, h, w) = x.nchw
        precondition(x.shape == z.shape && grid > 0 && h % grid == 0 && w % grid == 0,
                     "block means need equal shapes divisible by the grid, got \(x.shape), \(z.shape), grid \(grid)")
        let (blockHeight, blockWidth) = (h / grid, w / grid)
        let planes = n * c, blocks = planes * grid * grid
        /// Visits every element with its block, [planes, grid, grid], in memory order.
        func forEachElement(_ body: (_ element: Int, _ block: Int) -> Void) {
            for plane in 0..<planes {
                for row in 0..<h {
                    let line = (plane * h + row) * w, block = (plane * grid + row / blockHeight) * grid
                    for column in 0..<w { body(line + column, block + column / blockWidth) }
                }
            }
        }
        // Differences of the block means.
        var difference = [Float](repeating: 0, count: blocks)
        x.storage.withBase { xs in
            z.storage.withBase { zs in
                forEachElement { element, block in difference[block] += xs[element] - zs[element] }
            }
        }
        let area = Float(blockHeight * blockWidth)
        var sum = 0.0
        for i in difference.indices {
            difference[i] /= area
            sum += Double(abs(difference[i]))
        }
        return record(Tensor(shape: [1], storage: [Float(sum / Double(blocks))]), inputs: [a, b]) { dy, needs in
            let g = dy.storage[0] / (Float(blocks) * area)
            var da = [Float](repeating: 0, count: x.count)
            forEachElement { element, block in
                let d = difference[block]
                da[element] = d > 0 ? g : (d < 0 ? -g : 0)
            }
            let gradient = Tensor(shape: x.shape, storage: da)
            return [gradient, needs[1] ? gradient.map { -$0 } : nil]
        }
    }
}

extension Tensor {
    /// ITU-R 601 luma weights of R, G and B.
    static let greyWeights: [Float] = [0.299, 0.587, 0.114]

    /// Per pixel (N x H x W), how much lighter this NCHW RGB batch is than `other` in 601-weighted grey;
    /// negative where darker. The lightening loss and the teacher's blot fill read blots off it.
    package func lightening(over other: Tensor) -> [Float] {
        let (n, c, h, w) = nchw
        precondition(shape == other.shape && c == 3, "lightening needs two equal RGB shapes, got \(shape), \(other.shape)")
        let plane = h * w
        var lighter = [Float](repeating: 0, count: n * plane)
        storage.withBase { xs in
            other.storage.withBase { zs in
                for image in 0..<n {
                    for channel in 0..<3 {
                        let (base, weight) = ((image * 3 + channel) * plane, Self.greyWeights[channel])
                        for i in 0..<plane {
                            lighter[image * plane + i] += weight * (xs[base + i] - zs[base + i])
                        }
                    }
                }
            }
        }
        return lighter
    }
}
