/// Base-pointer access for the kernels: tensors here are never empty (layers check their shapes first), so a
/// missing base address is a programmer error, reported once here instead of unwrapped at every call site.
extension Array where Element == Float {
    @inline(__always)
    package func withBase<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("kernel called on an empty buffer") }
            return try body(base)
        }
    }

    @inline(__always)
    package mutating func withMutableBase<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("kernel called on an empty buffer") }
            return try body(base)
        }
    }
}

extension Array where Element == Float {
    /// An array of `count` floats that `fill` writes completely, skipping the zero fill (a pass over
    /// memory per op that the kernels overwrite anyway).
    @inline(__always)
    package init(filling count: Int, _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        self.init(unsafeUninitializedCapacity: Swift.max(count, 1)) { buffer, initialized in
            guard let base = buffer.baseAddress else { preconditionFailure("allocation without storage") }
            fill(base)
            initialized = count
        }
    }
}

extension Optional where Wrapped == [Float] {
    /// The buffer of an optional bias, nil where there is none: the plans take both.
    func withOptionalBuffer<R>(_ body: (UnsafeBufferPointer<Float>?) -> R) -> R {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0) }
        case .none: body(nil)
        }
    }
}
