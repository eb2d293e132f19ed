@testable import FaceDetection
import Testing

@Suite("Grouping overlapping windows")
struct RectangleGroupingTests {
    @Test("near-identical windows merge into their mean, scored by their count; a lone window is dropped")
    func merge() throws {
        let cluster = [Candidate(x: 100, y: 100, width: 50, height: 50), Candidate(x: 104, y: 98, width: 52, height: 52),
                       Candidate(x: 98, y: 102, width: 48, height: 48), Candidate(x: 102, y: 100, width: 50, height: 50)]
        let groups = groupCandidates(cluster + [Candidate(x: 300, y: 10, width: 30, height: 30)], minNeighbors: 3)
        #expect(groups.count == 1)
        let (box, votes) = try #require(groups.first)
        #expect(votes == 4)
        #expect(box == Candidate(x: 101, y: 100, width: 50, height: 50))
    }

    @Test("clusters need more than minNeighbors windows")
    func threshold() {
        let three = Array(repeating: Candidate(x: 0, y: 0, width: 24, height: 24), count: 3)
        #expect(groupCandidates(three, minNeighbors: 3).isEmpty)
        #expect(groupCandidates(three, minNeighbors: 2).count == 1)
        #expect(groupCandidates(three, minNeighbors: 0).count == 3)
    }

    @Test("a weaker cluster inside a stronger one is dropped")
    func nested() {
        let outer = Array(repeating: Candidate(x: 0, y: 0, width: 100, height: 100), count: 10)
        let inner = Array(repeating: Candidate(x: 30, y: 30, width: 30, height: 30), count: 4)
        let groups = groupCandidates(outer + inner, minNeighbors: 3)
        #expect(groups.map(\.1) == [10])
    }
}
