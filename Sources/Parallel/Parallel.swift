/// Work below which a part is not worth handing to a second thread: a parked helper takes ~15-20 us to
/// wake, the time of ~100k floats of streaming work or ~2M multiply-adds (counted as 1/16 each).
public let parallelGrainWork = 1 << 14

/// Splits `0..<count` into at most `context.threads` contiguous ranges and runs them concurrently; `work`
/// is the whole job's size (same units as `parallelGrainWork`), so small jobs stay on the calling thread.
///
/// Intra-op parallelism for one inference: the calling thread takes part 0 and a `ThreadTeam` of helpers
/// the rest. A context with a `CoreShare` also takes no more threads than the cores the share's other busy
/// workers leave free.
@inlinable
public func parallelRanges(_ count: Int, context: ComputeContext, work: Int, _ body: (Range<Int>) -> Void) {
    parallelParts(count, context: context, work: work) { _, range in body(range) }
}

/// `parallelRanges` that also passes each range's part number (0 ..< the number of parts), so a part
/// can use its own slice of a shared scratch buffer.
@inlinable
public func parallelParts(_ count: Int, context: ComputeContext, work: Int,
                          _ body: (_ part: Int, _ range: Range<Int>) -> Void) {
    let parts = context.parts(count: count, work: work)
    if parts == 1 {
        body(0, 0..<count)
        return
    }
    ThreadTeams.withTeam(helpers: parts - 1) { team in
        team.run(parts: parts) { part in body(part, count * part / parts ..< count * (part + 1) / parts) }
    }
}
