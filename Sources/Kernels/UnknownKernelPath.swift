/// A `CARTOONIFY_KERNELS` value that names no kernel path.
package struct UnknownKernelPath: Error, CustomStringConvertible {
    package let name: String

    package var description: String {
        "\(KernelPath.environmentVariable)='\(name)' is not a kernel path: use one of "
            + KernelPath.allCases.map(\.rawValue).joined(separator: ", ") + "."
    }
}
