/// A `CARTOONIFY_KERNELS` value that names no kernel path.
public struct UnknownKernelPath: Error, CustomStringConvertible {
    public let name: String

    public var description: String {
        "\(KernelPath.environmentVariable)='\(name)' is not a kernel path: use one of "
            + KernelPath.allCases.map(\.rawValue).joined(separator: ", ") + "."
    }
}
