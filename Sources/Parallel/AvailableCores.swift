import Foundation

/// The cores this process may actually run on: the CPUs it is allowed, lowered by a cgroup CPU quota
/// (a container's CPU limit). Foundation's `activeProcessorCount` sees neither a quota nor, in some
/// versions, the affinity mask, so in a 2-CPU pod on a 64-core node it would say 64, and 64 threads
/// would share two CPUs' worth of time.
package enum AvailableCores {
    package static let count: Int = {
        let online = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let quota = cgroupQuota(membership: (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? "",
                                root: "/sys/fs/cgroup") { try? String(contentsOfFile: $0, encoding: .utf8) }
        return max(1, min(online, affinityCount() ?? online, quota ?? online))
    }()

    /// Whole cores of the CPU quota of the cgroups in `membership` (the text of /proc/self/cgroup), rounded
    /// up; nil when there is no quota. Reads cgroup v2 `cpu.max` or v1 `cpu.cfs_quota_us` and
    /// `cpu.cfs_period_us` under `root`, at the group's path and at the root (what a container sees).
    static func cgroupQuota(membership: String, root: String, read: (String) -> String?) -> Int? {
        var limits: [Int] = []
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ","), path = String(fields[2])
            if fields[1].isEmpty {
                for directory in [root + path, root] {
                    let parts = read(directory + "/cpu.max")?.split(whereSeparator: \.isWhitespace) ?? []
                    if parts.count == 2, let quota = Int(parts[0]), let period = Int(parts[1]) {
                        limits.append(cores(quota: quota, period: period))
                        break
                    }
                }
            } else if controllers.contains("cpu") {
                let mounts = [String(fields[1]), "cpu", "cpu,cpuacct"].map { root + "/" + $0 }
                for directory in mounts.flatMap({ [$0 + path, $0] }) {
                    func number(_ file: String) -> Int? {
                        read(directory + "/" + file).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                    }
                    if let quota = number("cpu.cfs_quota_us"), let period = number("cpu.cfs_period_us") {
                        if quota > 0 { limits.append(cores(quota: quota, period: period)) }
                        break
                    }
                }
            }
        }
        return limits.min()
    }

    private static func cores(quota: Int, period: Int) -> Int {
        period > 0 ? max(1, (quota + period - 1) / period) : 1
    }

    /// CPUs in the process's affinity mask (`taskset`, a cpuset): the hex mask of /proc/self/status.
    private static func affinityCount() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) else { return nil }
        let digits = line.dropFirst("Cpus_allowed:".count).filter(\.isHexDigit)
        let count = digits.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
        return count > 0 ? count : nil
    }
}
