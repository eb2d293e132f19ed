import NN

extension Tensor {
    /// Largest absolute elementwise difference, NaN when any difference is NaN; the measure every
    /// comparison with a reference or a fixture uses.
    package func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for i in 0..<storage.count {
            let d = abs(storage[i] - other.storage[i])
            if d.isNaN { return .nan }
            worst = max(worst, d)
        }
        return worst
    }
}

/// The largest elementwise difference of two kernel outputs; infinite when any value is NaN or the sizes differ.
package func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { worst, pair in
        let d = abs(pair.0 - pair.1)
        return d.isNaN ? .infinity : max(worst, d)
    }
}
