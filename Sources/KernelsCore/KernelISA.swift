import Parallel

/// An instruction-set level the kernels are instantiated for.
///
/// The kernels are written once, generically, in this module. Each per-ISA target (compiled with its own
/// `-march`) declares a conforming type and takes the default implementations of the entry points below;
/// because they are protocol requirements, their witnesses — and every generic kernel they inline — are
/// specialised and compiled inside that target, with its instruction set. Callers reach them through an
/// `any KernelISA.Type` picked once from cpuid, so dispatch costs one indirect call per kernel invocation.
public protocol KernelISA: Sendable {
    associatedtype Vector: SIMD where Vector.Scalar == Float

    /// Short name for logs and benchmarks ("avx512", "avx2", "portable").
    static var name: String { get }

    /// `acc + a * b`: a fused multiply-add where the ISA has one, a multiply and an add elsewhere.
    static func mulAdd(_ acc: Vector, _ a: Vector, _ b: Vector) -> Vector

    /// Pads (and phase-splits) an NCHW input as `layout` describes, applying `affine` on the way.
    static func prepareInput(_ layout: PaddedLayout, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                             affine: ChannelAffine?, context: ComputeContext)

    /// Runs a batch of packed-weight GEMMs with implicit B (see `GEMMProblem`).
    static func gemm(_ problem: GEMMProblem, context: ComputeContext)

    /// Winograd F(4x4, 3x3) convolution of a prepared (padded, column-phase-split) image with transformed
    /// weights (36 `PackedPanels` matrices back to back, or transformed first from their taps), adding bias.
    /// `scratch` holds `min(context.threads, blocks) * blockScratch` floats (see `WinogradGeometry`).
    static func winogradConvolution(_ geometry: WinogradGeometry, prepared: UnsafePointer<Float>,
                                    weights: WinogradWeights, bias: UnsafePointer<Float>?,
                                    scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                                    context: ComputeContext)

    /// Per-channel mean and biased variance of `channels` planes of `plane` floats, into
    /// `statistics[2c]`, `statistics[2c + 1]`.
    static func channelStatistics(_ x: UnsafePointer<Float>, channels: Int, plane: Int,
                                  into statistics: UnsafeMutablePointer<Float>, context: ComputeContext)

    /// `output = [residual +] [max(0,] x * scale[c] + shift[c] [)]` over `channels` planes; `output` may be `x`.
    static func applyChannelAffine(_ x: UnsafePointer<Float>, channels: Int, plane: Int, affine: ChannelAffine,
                                   residual: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, context: ComputeContext)

    /// `x = tanh(x)` in place, as a rational approximation accurate to a few float ulps.
    static func tanhInPlace(_ x: UnsafeMutablePointer<Float>, count: Int, context: ComputeContext)

    /// A dependency-free multiply-add loop for measuring the peak; returns a value so it is not elided.
    static func multiplyAddProbe(iterations: Int) -> Float

    /// `sums[i] += weight * bytes[i]` for `count` elements: the row pass of the face scan's area-averaging
    /// shrink (`accumulateBytes`).
    static func accumulateBytes(_ bytes: UnsafePointer<UInt8>, count: Int, weight: Float, into sums: UnsafeMutablePointer<Float>)

    /// Slides a Haar cascade over one pyramid level of a face scan (see `scanWindows`), handing each accepted
    /// window's top-left corner to `accept`.
    static func scanHaarWindows(_ classifier: HaarClassifier, step: Int, stride: Int, levelWidth: Int, levelHeight: Int,
                                sums: UnsafePointer<Int32>, squares: UnsafePointer<UInt32>,
                                accept: (_ x: Int, _ y: Int) -> Void)
}

extension KernelISA {
    @inlinable @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inlinable @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// `max(v, 0)` with -0 to +0, as bit operations: `SIMD.replace(with:where:)` and `pointwiseMax`
    /// compile to a loop over lanes.
    @inlinable @inline(__always)
    static func relu(_ v: Vector) -> Vector {
        let bits = unsafeBitCast(v, to: Vector.MaskStorage.self)
        return unsafeBitCast(bits & ~(bits &>> Vector.MaskStorage(repeating: 31)), to: Vector.self)
    }

    /// Lanes of `b` where `mask` is all ones, of `a` where it is zero, as bit operations (see `relu`).
    @inlinable @inline(__always)
    static func blend(_ a: Vector, _ b: Vector, mask: Vector.MaskStorage) -> Vector {
        let x = unsafeBitCast(a, to: Vector.MaskStorage.self), y = unsafeBitCast(b, to: Vector.MaskStorage.self)
        return unsafeBitCast((x & ~mask) | (y & mask), to: Vector.self)
    }

    /// Twelve independent accumulator chains: enough to cover FMA latency times two FMA ports.
    @inlinable
    public static func multiplyAddProbe(iterations: Int) -> Float {
        let x = Vector(repeating: 0.999_999), y = Vector(repeating: 1e-7)
        var a0 = Vector(repeating: 1), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0
        var a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0
        for _ in 0..<iterations {
            a0 = mulAdd(y, a0, x); a1 = mulAdd(y, a1, x); a2 = mulAdd(y, a2, x)
            a3 = mulAdd(y, a3, x); a4 = mulAdd(y, a4, x); a5 = mulAdd(y, a5, x)
            a6 = mulAdd(y, a6, x); a7 = mulAdd(y, a7, x); a8 = mulAdd(y, a8, x)
            a9 = mulAdd(y, a9, x); a10 = mulAdd(y, a10, x); a11 = mulAdd(y, a11, x)
        }
        let sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
        return sum.sum()
    }

    /// Floating-point operations one `multiplyAddProbe` call performs.
    public static func multiplyAddProbeFlops(iterations: Int) -> Double {
        Double(iterations) * 12 * Double(Vector.scalarCount) * 2
    }
}
