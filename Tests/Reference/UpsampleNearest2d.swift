import NN

/// Nearest-neighbour 2x upsampling (PyTorch `Upsample(scale_factor=2, mode="nearest")`): every pixel becomes
/// a 2x2 block. The first half of a resize convolution.
package func upsampleNearest2x(_ input: Tensor) -> Tensor {
    let (n, c, h, w) = input.nchw
    var output = [Float](repeating: 0, count: n * c * 4 * h * w)
    for plane in 0..<(n * c) {
        for y in 0..<(2 * h) {
            for x in 0..<(2 * w) {
                output[(plane * 2 * h + y) * 2 * w + x] = input.storage[(plane * h + y / 2) * w + x / 2]
            }
        }
    }
    return Tensor(shape: [n, c, 2 * h, 2 * w], storage: output)
}
