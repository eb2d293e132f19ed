/// A dense NCHW Float32 tensor with contiguous row-major storage.
///
/// A value type: copies share storage until one of them is mutated (Array's copy-on-write), so
/// passing tensors between layers and threads costs nothing and needs no locking.
package struct Tensor: Sendable, Equatable {
    package private(set) var shape: [Int]
    package var storage: [Float]

    package init(shape: [Int], storage: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == storage.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) elements, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    package init(zeros shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    package init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, storage: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    package var count: Int { storage.count }
    package var rank: Int { shape.count }

    /// The four NCHW dimensions; a programmer error for tensors of another rank.
    package var nchw: (n: Int, c: Int, h: Int, w: Int) {
        precondition(shape.count == 4, "expected an NCHW tensor, got shape \(shape)")
        return (shape[0], shape[1], shape[2], shape[3])
    }

    /// Applies `transform` to every element.
    @inlinable
    package func map(_ transform: (Float) -> Float) -> Tensor {
        var result = storage
        result.withUnsafeMutableBufferPointer { y in
            for i in y.indices { y[i] = transform(y[i]) }
        }
        return Tensor(shape: shape, storage: result)
    }
}
