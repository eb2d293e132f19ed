/// The shape of one zero-padded 2-D correlation on a single image: enough to unfold the image into patch
/// columns (weight gradients) and to fold columns back (input gradient). The backward passes keep their own
/// unfold/fold because the engine's are internal to the Tensor module and take one geometry for both
/// directions; if the Tensor module exposes them (`package`), these two functions can go.
struct ConvGeometry: Equatable {
    let channels: Int
    let height: Int
    let width: Int
    let kernelHeight: Int
    let kernelWidth: Int
    let stride: Int
    let padding: Int
    let outHeight: Int
    let outWidth: Int

    /// `outHeight`/`outWidth` default to the ordinary convolution formula; the transposed convolution passes
    /// its input size instead (output padding makes the formula round down to it).
    init(channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int,
         outHeight: Int? = nil, outWidth: Int? = nil) {
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        self.outHeight = outHeight ?? (height + 2 * padding - kernelHeight) / stride + 1
        self.outWidth = outWidth ?? (width + 2 * padding - kernelWidth) / stride + 1
    }

    var patchSize: Int { channels * kernelHeight * kernelWidth }
    var outPixels: Int { outHeight * outWidth }
}

/// Unfolds one CHW image into `col[patchSize][outPixels]`; padding reads as zero.
func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, into col: UnsafeMutablePointer<Float>) {
    var row = 0
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let out = col + row * g.outPixels
                for oy in 0..<g.outHeight {
                    let y = oy * g.stride - g.padding + ky
                    let dst = out + oy * g.outWidth
                    if y < 0 || y >= g.height {
                        dst.update(repeating: 0, count: g.outWidth)
                        continue
                    }
                    let src = plane + y * g.width
                    for ox in 0..<g.outWidth {
                        let x = ox * g.stride - g.padding + kx
                        dst[ox] = (x >= 0 && x < g.width) ? src[x] : 0
                    }
                }
                row += 1
            }
        }
    }
}

/// The adjoint of `im2col`: adds every column entry back onto the image pixel it was read from.
func col2imAccumulate(_ col: UnsafePointer<Float>, _ g: ConvGeometry, into image: UnsafeMutablePointer<Float>) {
    var row = 0
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernelHeight {
            for kx in 0..<g.kernelWidth {
                let src = col + row * g.outPixels
                for oy in 0..<g.outHeight {
                    let y = oy * g.stride - g.padding + ky
                    if y < 0 || y >= g.height { continue }
                    let dst = plane + y * g.width
                    let line = src + oy * g.outWidth
                    for ox in 0..<g.outWidth {
                        let x = ox * g.stride - g.padding + kx
                        if x >= 0 && x < g.width { dst[x] += line[ox] }
                    }
                }
                row += 1
            }
        }
    }
}
