import Foundation

/// The blocked-signal masks of a running process's threads, from /proc (Linux): a dispatch signal source
/// only sees a signal that every thread blocks (`TerminationSignals`).
package enum ThreadSignalMasks {
    /// The thread ids of `pid` that do not block every one of `signals`; empty when all do. A thread in
    /// `sigwait` shows what it waits for as unblocked while it waits (it takes those signals itself).
    package static func threads(of pid: Int32, notBlocking signals: [Int32]) throws -> [Int32] {
        let tasks = "/proc/\(pid)/task"
        let wanted = signals.reduce(UInt64(0)) { $0 | 1 << UInt64($1 - 1) }
        return try FileManager.default.contentsOfDirectory(atPath: tasks).compactMap(Int32.init).sorted().compactMap { tid in
            // A thread may end between the listing and the read: it blocks nothing any more.
            guard let status = try? String(contentsOfFile: "\(tasks)/\(tid)/status", encoding: .utf8) else { return nil }
            let blocked = status.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }
                .flatMap { UInt64($0.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
            return blocked & wanted == wanted ? nil : tid
        }
    }
}
