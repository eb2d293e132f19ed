/// The sizes of one convolution: `channels`, `height`, `width` describe the image side, `outHeight` and
/// `outWidth` the column side. Shared by the training kernels' weight and data gradients and the tests'
/// im2col reference, so both read one definition of the output size.
package struct ConvGeometry: Sendable, Equatable {
    package let channels: Int, height: Int, width: Int
    package let kernelH: Int, kernelW: Int, stride: Int, padding: Int

    package init(channels: Int, height: Int, width: Int, kernelH: Int, kernelW: Int, stride: Int, padding: Int) {
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelH = kernelH
        self.kernelW = kernelW
        self.stride = stride
        self.padding = padding
    }

    package var outHeight: Int { (height + 2 * padding - kernelH) / stride + 1 }
    package var outWidth: Int { (width + 2 * padding - kernelW) / stride + 1 }
}
