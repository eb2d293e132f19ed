/// An operator's request for a lower kernel path (for comparisons). The executables read
/// `CARTOONIFY_KERNELS` and pass its value here; the libraries take the resulting path as a parameter.
extension KernelPath {
    package static let environmentVariable = "CARTOONIFY_KERNELS"

    /// The path to run when `name` is asked for (nil or empty: none is): it can lower `best`, never raise
    /// it past what the CPU supports. A name that is no path is refused, naming the choices.
    package static func requested(_ name: String?) throws(UnknownKernelPath) -> KernelPath {
        guard let name, !name.isEmpty else { return best }
        guard let path = KernelPath(rawValue: name) else { throw UnknownKernelPath(name: name) }
        return min(path, best)
    }
}
