/// OpenCV's `groupRectangles`: a face makes the cascade fire on many nearby windows and scales, a false alarm
/// on few. Windows are clustered when all four edges lie within `eps` of the smaller size, each cluster
/// becomes its mean rectangle scored by its size, clusters of `minNeighbors` or fewer are dropped, and so is
/// a cluster nested inside a clearly stronger one.
func groupCandidates(_ candidates: [Candidate], minNeighbors: Int, eps: Double = 0.2) -> [(Candidate, Int)] {
    guard minNeighbors > 0 else { return candidates.map { ($0, 1) } }
    var parent = Array(candidates.indices)
    func root(_ i: Int) -> Int {
        var i = i
        while parent[i] != i {
            parent[i] = parent[parent[i]]
            i = parent[i]
        }
        return i
    }
    for i in candidates.indices {
        for j in candidates.indices where j > i && isSimilar(candidates[i], candidates[j], eps: eps) {
            let a = root(i), b = root(j)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
    }

    var clusterOfRoot: [Int: Int] = [:]
    var sums: [(x: Int, y: Int, width: Int, height: Int, count: Int)] = []
    for (i, candidate) in candidates.enumerated() {
        let r = root(i)
        let cluster: Int
        if let known = clusterOfRoot[r] {
            cluster = known
        } else {
            cluster = sums.count
            clusterOfRoot[r] = cluster
            sums.append((0, 0, 0, 0, 0))
        }
        sums[cluster].x += candidate.x
        sums[cluster].y += candidate.y
        sums[cluster].width += candidate.width
        sums[cluster].height += candidate.height
        sums[cluster].count += 1
    }
    let clusters = sums.map { s -> (Candidate, Int) in
        let n = Double(s.count)
        func mean(_ total: Int) -> Int { Int((Double(total) / n).rounded()) }
        return (Candidate(x: mean(s.x), y: mean(s.y), width: mean(s.width), height: mean(s.height)), s.count)
    }

    return clusters.enumerated().compactMap { i, cluster in
        let (inner, n1) = cluster
        guard n1 > minNeighbors else { return nil }
        let swallowed = clusters.enumerated().contains { j, other in
            let (outer, n2) = other
            guard j != i, n2 > minNeighbors else { return false }
            let dx = Int(Double(outer.width) * eps), dy = Int(Double(outer.height) * eps)
            return inner.x >= outer.x - dx && inner.y >= outer.y - dy
                && inner.x + inner.width <= outer.x + outer.width + dx
                && inner.y + inner.height <= outer.y + outer.height + dy
                && (n2 > max(3, n1) || n1 < 3)
        }
        return swallowed ? nil : cluster
    }
}

private func isSimilar(_ a: Candidate, _ b: Candidate, eps: Double) -> Bool {
    let delta = eps * Double(min(a.width, b.width) + min(a.height, b.height)) * 0.5
    return Double(abs(a.x - b.x)) <= delta && Double(abs(a.y - b.y)) <= delta
        && Double(abs(a.x + a.width - b.x - b.width)) <= delta
        && Double(abs(a.y + a.height - b.y - b.height)) <= delta
}
