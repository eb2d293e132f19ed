#if canImport(Glibc)
import Glibc
#endif

/// A training step allocates and frees the same few hundred large buffers (activations, gradients, packed
/// weights) every iteration. glibc serves blocks over its mmap threshold with fresh mappings, so each of
/// those buffers would be page-faulted and zeroed by the kernel again every step; keeping them in the heap
/// (and not trimming it) lets the next step reuse the pages.
package enum AllocatorTuning {
    /// Call once at start-up of a long training process. No effect off glibc.
    package static func keepLargeBuffersInHeap() {
        #if canImport(Glibc)
        // `mallopt` is declared in <malloc.h>, which the Glibc module does not import: look it up.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 1 << 30)
        #endif
    }
}
