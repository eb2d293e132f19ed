import KernelsCore

/// A boosted cascade of decision stumps in OpenCV's "new" cascade format (the one `opencv_traincascade`
/// writes and `/usr/share/opencv4` ships for the frontal-face detectors), with Haar or LBP features.
struct Cascade: Sendable {
    struct HaarRect: Sendable {
        var x: Int, y: Int, width: Int, height: Int
        var weight: Float
    }

    /// A 3x3 grid of `width x height` blocks whose top-left block starts at `x, y` (multi-block LBP).
    struct LBPBlock: Sendable {
        var x: Int, y: Int, width: Int, height: Int
    }

    enum Features: Sendable {
        case haar([[HaarRect]])
        case lbp([LBPBlock])
    }

    typealias Stage = CascadeStage

    /// One weak classifier: `left` when the feature is below `threshold` (Haar) or its LBP code is in the
    /// stump's category subset (LBP), else `right`.
    struct Stump: Sendable {
        var feature: Int
        var threshold: Float
        var left: Float
        var right: Float
    }

    var windowWidth: Int
    var windowHeight: Int
    var stages: [Stage]
    var stumps: [Stump]
    /// 256-bit category subsets of the LBP stumps, 8 words per stump; empty for Haar.
    var lbpSubsets: [Int32]
    var features: Features

    /// OpenCV lowers every stage threshold by this when it loads a cascade; we do the same so that windows on
    /// the boundary are judged alike.
    private static let stageThresholdEpsilon: Float = 1e-5

    init(xml: String) throws(CascadeError) {
        let root = try CascadeXMLNode.parse(xml)
        guard root.name == "opencv_storage" else {
            throw .invalidCascade("the root element is <\(root.name)>, expected <opencv_storage>")
        }
        guard let cascade = root.child("cascade") else {
            throw .unsupported("no <cascade> element (old-format cascades are not supported; convert with opencv_traincascade)")
        }
        let stageType = try Self.text(cascade, "stageType")
        guard stageType == "BOOST" else { throw .unsupported("stage type \(stageType), only BOOST") }
        let featureType = try Self.text(cascade, "featureType")
        let windowWidth = try Self.integer(cascade, "width", in: 1...1024)
        let windowHeight = try Self.integer(cascade, "height", in: 1...1024)
        self.windowWidth = windowWidth
        self.windowHeight = windowHeight

        guard let featureList = cascade.child("features")?.children, !featureList.isEmpty else {
            throw .invalidCascade("no <features>")
        }
        let isLBP: Bool
        switch featureType {
        case "HAAR":
            // Variance normalisation reads the window less a one-pixel border, which must not be empty.
            guard windowWidth >= 3, windowHeight >= 3 else {
                throw .invalidCascade("a Haar window of \(windowWidth)x\(windowHeight) is smaller than 3x3")
            }
            isLBP = false
            features = .haar(try featureList.enumerated().map { (index, element) throws(CascadeError) in
                try Self.haarRects(element, index: index, windowWidth: windowWidth, windowHeight: windowHeight)
            })
        case "LBP":
            isLBP = true
            features = .lbp(try featureList.enumerated().map { (index, element) throws(CascadeError) in
                try Self.lbpBlock(element, index: index, windowWidth: windowWidth, windowHeight: windowHeight)
            })
        default:
            throw .unsupported("feature type \(featureType), only HAAR and LBP")
        }

        guard let stageList = cascade.child("stages")?.children, !stageList.isEmpty else {
            throw .invalidCascade("no <stages>")
        }
        var stages: [Stage] = []
        var stumps: [Stump] = []
        var subsets: [Int32] = []
        for (stageIndex, stageElement) in stageList.enumerated() {
            let threshold = try Self.numbers(stageElement, "stageThreshold", count: 1, context: "stage \(stageIndex)")[0]
            guard let weak = stageElement.child("weakClassifiers")?.children, !weak.isEmpty else {
                throw .invalidCascade("stage \(stageIndex) has no <weakClassifiers>")
            }
            stages.append(Stage(firstStump: stumps.count, stumpCount: weak.count,
                                threshold: Float(threshold) - Self.stageThresholdEpsilon))
            for (weakIndex, weakElement) in weak.enumerated() {
                let context = "stage \(stageIndex) classifier \(weakIndex)"
                // Only stumps (maxDepth 1), as the face cascades are: one node `0 -1 featureIndex` followed by a
                // threshold (Haar) or 8 category-subset words (LBP), and two leaves.
                let leaves = try Self.numbers(weakElement, "leafValues", count: 2, context: context)
                let nodes = try Self.numbers(weakElement, "internalNodes", count: isLBP ? 11 : 4, context: context)
                guard nodes[0] == 0, nodes[1] == -1 else {
                    throw .invalidCascade("\(context) is not a stump: its node points to \(nodes[0]) and \(nodes[1])")
                }
                guard let feature = Int(exactly: nodes[2]), feature >= 0, feature < featureList.count else {
                    throw .invalidCascade("\(context) refers to feature \(nodes[2]) of \(featureList.count)")
                }
                if isLBP {
                    for word in nodes[3...] {
                        guard let value = Int32(exactly: word) else {
                            throw .invalidCascade("\(context) has a subset word \(word) outside 32 bits")
                        }
                        subsets.append(value)
                    }
                }
                stumps.append(Stump(feature: feature, threshold: isLBP ? 0 : Float(nodes[3]),
                                    left: Float(leaves[0]), right: Float(leaves[1])))
            }
        }
        if let declared = Int(cascade.child("stageNum")?.text.trimmed ?? ""), declared != stages.count {
            throw .invalidCascade("<stageNum> says \(declared) stages but \(stages.count) are present")
        }
        self.stages = stages
        self.stumps = stumps
        self.lbpSubsets = subsets
    }

    private static func text(_ parent: CascadeXMLNode, _ name: String) throws(CascadeError) -> String {
        guard let element = parent.child(name) else { throw .invalidCascade("missing <\(name)>") }
        return element.text.trimmed
    }

    private static func integer(_ parent: CascadeXMLNode, _ name: String, in range: ClosedRange<Int>) throws(CascadeError) -> Int {
        let text = try text(parent, name)
        guard let value = Int(text), range.contains(value) else {
            throw .invalidCascade("<\(name)> is \"\(text)\", expected an integer in \(range)")
        }
        return value
    }

    /// The whitespace-separated numbers of a child element, which must be exactly `count` finite values.
    private static func numbers(_ parent: CascadeXMLNode, _ name: String, count: Int, context: String) throws(CascadeError) -> [Double] {
        guard let element = parent.child(name) else { throw .invalidCascade("\(context) has no <\(name)>") }
        return try numbers(in: element.text, count: count, context: "\(context) <\(name)>")
    }

    private static func numbers(in text: String, count: Int, context: String) throws(CascadeError) -> [Double] {
        // Splitting the UTF-8 bytes, not Characters, keeps loading the 2913-stump cascade to a few milliseconds.
        let values = text.utf8.split(whereSeparator: isXMLWhitespace).map(Substring.init)
        guard values.count == count else {
            throw .invalidCascade("\(context) has \(values.count) numbers, expected \(count)")
        }
        var result: [Double] = []
        result.reserveCapacity(count)
        for value in values {
            guard let number = Double(value), number.isFinite else {
                throw .invalidCascade("\(context) holds \"\(value)\", not a number")
            }
            result.append(number)
        }
        return result
    }

    private static func haarRects(_ element: CascadeXMLNode, index: Int, windowWidth: Int, windowHeight: Int) throws(CascadeError) -> [HaarRect] {
        let context = "feature \(index)"
        if let tilted = element.child("tilted"), tilted.text.trimmed != "0" {
            throw .unsupported("\(context) is a tilted Haar feature")
        }
        guard let rectElements = element.child("rects")?.children, (1...3).contains(rectElements.count) else {
            throw .invalidCascade("\(context) needs 1 to 3 <rects>")
        }
        return try rectElements.map { (rect) throws(CascadeError) in
            let values = try numbers(in: rect.text, count: 5, context: "\(context) rectangle")
            let box = try integerBox(values[0..<4], context: context, windowWidth: windowWidth, windowHeight: windowHeight)
            return HaarRect(x: box.x, y: box.y, width: box.width, height: box.height, weight: Float(values[4]))
        }
    }

    private static func lbpBlock(_ element: CascadeXMLNode, index: Int, windowWidth: Int, windowHeight: Int) throws(CascadeError) -> LBPBlock {
        let context = "feature \(index)"
        let values = try numbers(element, "rect", count: 4, context: context)
        guard let x = Int(exactly: values[0]), let y = Int(exactly: values[1]),
              let width = Int(exactly: values[2]), let height = Int(exactly: values[3]),
              x >= 0, y >= 0, width > 0, height > 0,
              x + 3 * width <= windowWidth, y + 3 * height <= windowHeight else {
            throw .invalidCascade("\(context) LBP grid \(values) does not fit the \(windowWidth)x\(windowHeight) window")
        }
        return LBPBlock(x: x, y: y, width: width, height: height)
    }

    private static func integerBox(_ values: ArraySlice<Double>, context: String, windowWidth: Int, windowHeight: Int) throws(CascadeError) -> (x: Int, y: Int, width: Int, height: Int) {
        let i = values.startIndex
        guard let x = Int(exactly: values[i]), let y = Int(exactly: values[i + 1]),
              let width = Int(exactly: values[i + 2]), let height = Int(exactly: values[i + 3]),
              x >= 0, y >= 0, width > 0, height > 0, x + width <= windowWidth, y + height <= windowHeight else {
            throw .invalidCascade("\(context) rectangle \(Array(values)) does not fit the \(windowWidth)x\(windowHeight) window")
        }
        return (x, y, width, height)
    }
}

extension String {
    fileprivate var trimmed: String {
        guard let first = utf8.firstIndex(where: { !isXMLWhitespace($0) }),
              let last = utf8.lastIndex(where: { !isXMLWhitespace($0) }) else { return "" }
        return String(Substring(utf8[first...last]))
    }
}

private func isXMLWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
}
