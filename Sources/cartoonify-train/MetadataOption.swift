import ArgumentParser

/// `--metadata key=value` pairs, as given on the command line.
enum MetadataOption {
    static func parse(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--metadata takes key=value, got '\(pair)'")
            }
            guard result.updateValue(parts[1], forKey: parts[0]) == nil else {
                throw ValidationError("--metadata \(parts[0]) is given twice")
            }
        }
        return result
    }
}
