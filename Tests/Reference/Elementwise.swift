import Foundation
import NN

/// Pointwise activations, the residual add and channel concatenation.
extension Tensor {
    package func relu() -> Tensor { map { max($0, 0) } }

    package func leakyReLU(slope: Float = 0.2) -> Tensor { map { $0 > 0 ? $0 : $0 * slope } }

    package func tanh() -> Tensor { map { Foundation.tanh($0) } }

    /// Elementwise sum (the residual connection); shapes must match.
    package static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
        precondition(lhs.shape == rhs.shape, "add: shapes differ: \(lhs.shape) vs \(rhs.shape)")
        var result = lhs.storage
        result.withUnsafeMutableBufferPointer { y in
            rhs.storage.withUnsafeBufferPointer { x in
                for i in y.indices { y[i] += x[i] }
            }
        }
        return Tensor(shape: lhs.shape, storage: result)
    }

    /// Concatenates NCHW tensors along the channel axis (the U-Net skip connections).
    package static func concatChannels(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "concatChannels: nothing to concatenate")
        let (n, _, h, w) = parts[0].nchw
        precondition(parts.allSatisfy { $0.rank == 4 && $0.shape[0] == n && $0.shape[2] == h && $0.shape[3] == w },
                     "concatChannels: batch and spatial sizes differ: \(parts.map(\.shape))")
        let channels = parts.reduce(0) { $0 + $1.shape[1] }
        let plane = h * w
        var result = [Float]()
        result.reserveCapacity(n * channels * plane)
        for b in 0..<n {
            for part in parts {
                let size = part.shape[1] * plane
                result.append(contentsOf: part.storage[(b * size)..<((b + 1) * size)])
            }
        }
        return Tensor(shape: [n, channels, h, w], storage: result)
    }
}
