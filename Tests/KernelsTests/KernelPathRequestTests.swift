import Kernels
import Testing

/// `CARTOONIFY_KERNELS` as the executables hand it over: it lowers the best path, never raises it, and an
/// unknown name is refused with the choices.
@Suite struct KernelPathRequestTests {
    @Test func unsetOrEmptyRunsTheBestPath() throws {
        #expect(try KernelPath.requested(nil) == .best)
        #expect(try KernelPath.requested("") == .best)
    }

    @Test(arguments: KernelPath.allCases)
    func aNamedPathLowersButNeverRaisesTheBest(path: KernelPath) throws {
        #expect(try KernelPath.requested(path.rawValue) == min(path, .best))
    }

    @Test func anUnknownNameIsRefusedNamingTheChoices() {
        #expect(throws: UnknownKernelPath.self) { try KernelPath.requested("AVX2") }
        let error = #expect(throws: UnknownKernelPath.self) { try KernelPath.requested("sse9") }
        #expect(error?.description == "CARTOONIFY_KERNELS='sse9' is not a kernel path: use one of portable, avx2, avx512.")
    }
}
