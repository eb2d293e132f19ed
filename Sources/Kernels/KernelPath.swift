import CCPUFeatures
import KernelsAVX2
import KernelsAVX512
import KernelsCore
import KernelsPortable

/// The kernel instantiations one binary carries, best last.
package enum KernelPath: String, Sendable, CaseIterable, Comparable {
    case portable
    case avx2
    case avx512

    /// The instantiation for this path.
    package var isa: any KernelISA.Type {
        switch self {
        case .portable: Portable.self
        case .avx2: AVX2.self
        case .avx512: AVX512.self
        }
    }

    /// The instantiation the Haar cascade's window loop runs on. AVX-512 hosts take the AVX2 one: the loop
    /// screens eight windows in 256-bit lanes either way, and the AVX-512 build spends its time moving masks
    /// between k-registers (`cartoonify-bench faces`: 94 against 76 ms over the test portraits).
    package var cascadeISA: any KernelISA.Type {
        self == .avx512 ? AVX2.self : isa
    }

    /// The best path this CPU runs, read once from cpuid.
    package static let best = allCases[min(cpuLevel, allCases.count - 1)]

    /// Every path this CPU can run (the portable one always).
    package static var supported: [KernelPath] { Array(allCases.prefix(cpuLevel + 1)) }

    private static let cpuLevel = Int(cartoonify_cpu_kernel_level())

    package static func < (lhs: KernelPath, rhs: KernelPath) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
