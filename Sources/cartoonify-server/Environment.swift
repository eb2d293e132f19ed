import ArgumentParser
import Foundation
import Kernels

/// The `CARTOONIFY_*` twin of each flag: a flag on the command line wins, then the variable, then the
/// default. A variable that is set but unparsable is an error, not silently ignored.
struct Environment {
    var values = ProcessInfo.processInfo.environment

    func value<T>(_ flag: T?, _ name: String, default fallback: T, parse: (String) -> T?) throws -> T {
        if let flag { return flag }
        guard let raw = values[name], !raw.isEmpty else { return fallback }
        guard let parsed = parse(raw) else {
            throw ValidationError("\(name)='\(raw)' is not a valid value.")
        }
        return parsed
    }

    func int(_ flag: Int?, _ name: String, default fallback: Int) throws -> Int {
        try value(flag, name, default: fallback) { Int($0) }
    }

    func string(_ flag: String?, _ name: String, default fallback: String) throws -> String {
        try value(flag, name, default: fallback) { $0 }
    }

    /// For settings with no default: nil when neither the flag nor the variable is given.
    func optionalInt(_ flag: Int?, _ name: String) throws -> Int? {
        if let flag { return flag }
        guard let raw = values[name], !raw.isEmpty else { return nil }
        guard let parsed = Int(raw) else { throw ValidationError("\(name)='\(raw)' is not a whole number.") }
        return parsed
    }

    /// An on/off switch: the flag turns it on; otherwise the variable (`1`/`true`/`yes` or `0`/`false`/`no`).
    func bool(_ flag: Bool, _ name: String) throws -> Bool {
        if flag { return true }
        return try value(nil, name, default: false) { raw in
            switch raw.lowercased() {
            case "1", "true", "yes": true
            case "0", "false", "no": false
            default: nil
            }
        }
    }

    /// `CARTOONIFY_KERNELS`, which has no flag: the best path this CPU runs, or a lower one it names.
    func kernelPath() throws -> KernelPath {
        do {
            return try KernelPath.requested(values[KernelPath.environmentVariable])
        } catch {
            throw ValidationError(error.description)
        }
    }

    func optionalString(_ flag: String?, _ name: String) -> String? {
        flag ?? values[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
