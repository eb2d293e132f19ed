import Tensor

/// Naive definitions the optimised ops are checked against: loops straight from the PyTorch docs.
enum Reference {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = SplitMix64(seed: seed)
        return Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map { _ in rng.nextUniform(bound: 1) })
    }

    static func matmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }

    static func conv2d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: Int, padding: Int) -> Tensor {
        let (n, cin, h, wd) = x.nchw
        let (cout, _, kh, kw) = w.nchw
        let oh = (h + 2 * padding - kh) / stride + 1, ow = (wd + 2 * padding - kw) / stride + 1
        var out = Tensor(zeros: [n, cout, oh, ow])
        for b in 0..<n { for co in 0..<cout { for oy in 0..<oh { for ox in 0..<ow {
            var sum = Double(bias?.storage[co] ?? 0)
            for ci in 0..<cin { for ky in 0..<kh { for kx in 0..<kw {
                let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
                guard iy >= 0, iy < h, ix >= 0, ix < wd else { continue }
                sum += Double(x.storage[((b * cin + ci) * h + iy) * wd + ix]) * Double(w.storage[((co * cin + ci) * kh + ky) * kw + kx])
            } } }
            out.storage[((b * cout + co) * oh + oy) * ow + ox] = Float(sum)
        } } } }
        return out
    }

    static func convTranspose2d(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride: Int, padding: Int, outputPadding: Int) -> Tensor {
        let (n, cin, h, wd) = x.nchw
        let (_, cout, kh, kw) = w.nchw
        let oh = (h - 1) * stride - 2 * padding + kh + outputPadding
        let ow = (wd - 1) * stride - 2 * padding + kw + outputPadding
        var sums = [Double](repeating: 0, count: n * cout * oh * ow)
        for b in 0..<n { for co in 0..<cout { for i in 0..<(oh * ow) { sums[(b * cout + co) * oh * ow + i] = Double(bias?.storage[co] ?? 0) } } }
        for b in 0..<n { for ci in 0..<cin { for iy in 0..<h { for ix in 0..<wd { for co in 0..<cout { for ky in 0..<kh { for kx in 0..<kw {
            let oy = iy * stride - padding + ky, ox = ix * stride - padding + kx
            guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
            sums[((b * cout + co) * oh + oy) * ow + ox] += Double(x.storage[((b * cin + ci) * h + iy) * wd + ix])
                * Double(w.storage[((ci * cout + co) * kh + ky) * kw + kx])
        } } } } } } }
        return Tensor(shape: [n, cout, oh, ow], storage: sums.map(Float.init))
    }
}
