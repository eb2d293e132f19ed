import Foundation

/// Logistic regression on standardised `StyleFeatures`: fitted on the training photos and cartoons, it says
/// how cartoon-like a generator's outputs are (the share it calls cartoon).
package struct CartoonClassifier: Sendable {
    let mean: [Double]
    let scale: [Double]
    let weights: [Double]
    let bias: Double

    /// Full-batch gradient descent on the mean log loss; deterministic, and a few hundred samples a class
    /// converge in well under a second.
    package init(photos: [StyleFeatures], cartoons: [StyleFeatures], iterations: Int = 2000, rate: Double = 0.5) {
        let samples = (photos + cartoons).map(\.vector)
        let labels = [Double](repeating: 0, count: photos.count) + [Double](repeating: 1, count: cartoons.count)
        let dimensions = samples.first?.count ?? 0
        let count = Double(max(samples.count, 1))
        mean = (0..<dimensions).map { d in samples.reduce(0) { $0 + $1[d] } / count }
        scale = (0..<dimensions).map { [mean] d in
            max((samples.reduce(0) { $0 + ($1[d] - mean[d]) * ($1[d] - mean[d]) } / count).squareRoot(), 1e-9)
        }
        let standardised = samples.map { [mean, scale] x in (0..<dimensions).map { (x[$0] - mean[$0]) / scale[$0] } }
        var w = [Double](repeating: 0, count: dimensions), b = 0.0
        for _ in 0..<iterations {
            var gradient = [Double](repeating: 0, count: dimensions), gradientBias = 0.0
            for (x, label) in zip(standardised, labels) {
                let error = Self.sigmoid(zip(w, x).reduce(b) { $0 + $1.0 * $1.1 }) - label
                for d in 0..<dimensions { gradient[d] += error * x[d] }
                gradientBias += error
            }
            for d in 0..<dimensions { w[d] -= rate * gradient[d] / count }
            b -= rate * gradientBias / count
        }
        weights = w
        bias = b
    }

    /// Probability that the image is a cartoon.
    package func cartoonProbability(_ features: StyleFeatures) -> Double {
        let x = features.vector
        return Self.sigmoid((0..<weights.count).reduce(bias) { $0 + weights[$1] * (x[$1] - mean[$1]) / scale[$1] })
    }

    /// Mean cartoon probability of `samples`: moves before the share does, while outputs are half-way there.
    package func meanProbability(_ samples: [StyleFeatures]) -> Double {
        samples.map(cartoonProbability).reduce(0, +) / Double(max(samples.count, 1))
    }

    /// Share of `samples` called cartoon (probability above one half).
    package func cartoonShare(_ samples: [StyleFeatures]) -> Double {
        Double(samples.filter { cartoonProbability($0) > 0.5 }.count) / Double(max(samples.count, 1))
    }

    static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }
}
