import Foundation
import Kernels
import KernelsCore
import NN
import Parallel

/// The one door from the training passes to the per-ISA kernels: every forward convolution, every data
/// gradient (itself a convolution) and every weight gradient (a GEMM) of a training step goes through here,
/// on the kernel path and cores the caller chose (a `Tape` carries them; the trainer's executable reads
/// `CARTOONIFY_KERNELS`, as the server does). The path's instantiation is resolved once, when this is
/// made, not per op. Weights change every step, so plans are built per call: packing or
/// Winograd-transforming the weights is one pass over them, small next to the convolution it serves.
///
/// A training run owns the machine, so by default each op splits over every core (the kernels' own
/// splitting; nothing here nests threads inside threads). Every output element is summed by one thread in a fixed
/// order, so results do not depend on the thread count and a resumed run reproduces bit for bit.
package struct TrainingKernels: Sendable {
    let isa: any KernelISA.Type
    /// How far each op splits (a training run owns the machine: every core by default).
    package let context: ComputeContext

    package init(path: KernelPath = .best, context: ComputeContext = ComputeContext(threads: AvailableCores.count)) {
        isa = path.isa
        self.context = context
    }

    /// Runs `body` over `count` scratch floats, not zeroed: the plans write every workspace float they read
    /// into a real output (their read slack only ever reaches columns they drop), so a fill would be a
    /// wasted pass over several megabytes per convolution.
    func withScratch<R>(_ count: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> R) -> R {
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(count, 1))
        defer { buffer.deallocate() }
        return body(buffer)
    }

    /// One `isa.gemm` on arrays: `problem` builds it from the base pointers of A (packed), B, B's row
    /// offsets and C.
    func gemm(a: [Float], b: [Float], rowOffsets: [Int], c: inout [Float],
              _ problem: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Int>,
                          UnsafeMutablePointer<Float>) -> GEMMProblem) {
        a.withBase { a in
            b.withBase { b in
                rowOffsets.withUnsafeBufferPointer { os in
                    c.withMutableBase { c in
                        guard let os = os.baseAddress else { return }
                        isa.gemm(problem(a, b, os, c), context: context)
                    }
                }
            }
        }
    }

    /// PyTorch's `conv2d` (zero padding, OIHW weights) for a batch, on a `Conv2dPlan`.
    func convolve(_ x: Tensor, weights: [Float], outChannels: Int, kernel: Int, bias: [Float]?,
                  stride: Int, padding: Int) -> Tensor {
        convolve(x, plan: convolutionPlan(weights: weights, inChannels: x.shape[1], outChannels: outChannels,
                                          kernel: kernel, bias: bias, stride: stride, padding: padding))
    }

    func convolutionPlan(weights: [Float], inChannels: Int, outChannels: Int, kernel: Int, bias: [Float]?,
                         stride: Int, padding: Int, paddingMode: PaddingMode = .zero) -> Conv2dPlan {
        weights.withUnsafeBufferPointer { w in
            bias.withOptionalBuffer { b in
                Conv2dPlan.reweighted(weights: w, bias: b, outChannels: outChannels, inChannels: inChannels,
                                      kernelSize: kernel, stride: stride, padding: padding, paddingMode: paddingMode,
                                      context: context)
            }
        }
    }

    func convolve(_ x: Tensor, plan: Conv2dPlan) -> Tensor {
        let (_, _, height, width) = x.nchw
        let out = plan.outputSize(height: height, width: width)
        return runBatch(x, outChannels: plan.outChannels, outHeight: out.height, outWidth: out.width,
                        workspace: plan.flattenedWorkspaceCount(isa: isa, height: height, width: width,
                                                                threads: context.threads)) { src, dst, ws in
            plan.runFlattened(isa: isa, input: src, height: height, width: width, output: dst, workspace: ws,
                              context: context)
        }
    }

    /// PyTorch's `conv_transpose2d` (IOHW weights) for a batch, on a `ConvTranspose2dPlan`.
    func convolveTransposed(_ x: Tensor, weights: [Float], outChannels: Int, kernel: Int, bias: [Float]?,
                            stride: Int, padding: Int, outputPadding: Int) -> Tensor {
        convolveTransposed(x, plan: transposedPlan(weights: weights, inChannels: x.shape[1], outChannels: outChannels,
                                                   kernel: kernel, bias: bias, stride: stride, padding: padding,
                                                   outputPadding: outputPadding))
    }

    func transposedPlan(weights: [Float], inChannels: Int, outChannels: Int, kernel: Int, bias: [Float]?,
                        stride: Int, padding: Int, outputPadding: Int) -> ConvTranspose2dPlan {
        weights.withUnsafeBufferPointer { w in
            bias.withOptionalBuffer { b in
                ConvTranspose2dPlan.reweighted(weights: w, bias: b, inChannels: inChannels, outChannels: outChannels,
                                               kernelSize: kernel, stride: stride, padding: padding,
                                               outputPadding: outputPadding, context: context)
            }
        }
    }

    func convolveTransposed(_ x: Tensor, plan: ConvTranspose2dPlan) -> Tensor {
        let (_, _, height, width) = x.nchw
        let outChannels = plan.outChannels
        let out = plan.outputSize(height: height, width: width)
        return runBatch(x, outChannels: outChannels, outHeight: out.height, outWidth: out.width,
                        workspace: plan.flattenedWorkspaceCount(height: height, width: width)) { src, dst, ws in
            plan.runFlattened(isa: isa, input: src, height: height, width: width, output: dst, workspace: ws,
                              context: context)
        }
    }

    /// Runs a batch-1 plan image by image with one shared workspace.
    private func runBatch(
        _ x: Tensor, outChannels: Int, outHeight: Int, outWidth: Int, workspace: Int,
        _ run: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void
    ) -> Tensor {
        let (batch, channels, height, width) = x.nchw
        let inPlane = channels * height * width, outPlane = outChannels * outHeight * outWidth
        let output = [Float](filling: batch * outPlane) { ys in
            withScratch(workspace) { ws in
                x.storage.withBase { xs in
                    for n in 0..<batch { run(xs + n * inPlane, ys + n * outPlane, ws) }
                }
            }
        }
        return Tensor(shape: [batch, outChannels, outHeight, outWidth], storage: output)
    }
}
