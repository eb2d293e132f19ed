@testable import FaceDetection
import Foundation
import Imaging
import Testing

@Suite("Cascade XML")
struct CascadeParsingTests {
    @Test("the shipped cascades are OpenCV's 24x24 Haar frontal-face and 20x20 eye cascades, licence kept")
    func bundled() throws {
        let bundled = try FaceDetector.bundled()
        let detector = bundled.cascade
        for name in [CascadeResources.faceCascade, CascadeResources.eyeCascade] {
            let xml = try CascadeResources.text(name, in: CascadeResources.defaultDirectory)
            #expect(xml.contains("Intel License Agreement"))
        }
        #expect(detector.windowWidth == 24 && detector.windowHeight == 24)
        #expect(detector.stages.count == 25)
        #expect(detector.stumps.count == 2913)
        let eyes = try #require(bundled.eyeCascade)
        #expect(eyes.windowWidth == 20 && eyes.windowHeight == 20 && eyes.stages.count == 24)
        guard case .haar(let features) = detector.features else {
            Issue.record("expected Haar features")
            return
        }
        #expect(features.count == 2913)
    }

    @Test("a hand-written LBP cascade: subsets, leaves and the OpenCV stage-threshold epsilon")
    func lbp() throws {
        let cascade = try Cascade(xml: Self.cascade(features: "<_><rect>1 2 3 4</rect></_>", featureType: "LBP",
                                                    nodes: "0 -1 0 -1 0 1 2 3 4 5 -2147483648"))
        #expect(cascade.lbpSubsets == [-1, 0, 1, 2, 3, 4, 5, Int32.min])
        #expect(cascade.stumps.first?.left == 0.5 && cascade.stumps.first?.right == -0.5)
        #expect(cascade.stages.first?.threshold == Float(-0.25) - 1e-5)
        guard case .lbp(let blocks) = cascade.features else {
            Issue.record("expected LBP features")
            return
        }
        #expect(blocks.first.map { [$0.x, $0.y, $0.width, $0.height] } == [1, 2, 3, 4])
    }

    @Test("broken cascades are named errors, not crashes", arguments: [
        ("", CascadeError.malformedXML("the document has no root element")),
        ("<opencv_storage><cascade>", .malformedXML("element <cascade> has no end tag")),
        ("<opencv_storage></cascade>", .malformedXML("element <opencv_storage> is closed by </cascade>")),
        ("<opencv_storage/> trailing", .malformedXML("unexpected content after the root element at byte 18")),
        ("<!-- unterminated", .malformedXML("unterminated markup: expected -->")),
        ("<storage/>", .invalidCascade("the root element is <storage>, expected <opencv_storage>")),
        ("<opencv_storage><haarcascade_frontalface_alt/></opencv_storage>",
         .unsupported("no <cascade> element (old-format cascades are not supported; convert with opencv_traincascade)")),
        (cascade(width: "0"), .invalidCascade("<width> is \"0\", expected an integer in 1...1024")),
        (cascade(width: "2"), .invalidCascade("a Haar window of 2x24 is smaller than 3x3")),
        (cascade(featureType: "HOG"), .unsupported("feature type HOG, only HAAR and LBP")),
        (cascade(nodes: "0 -1 7 0.5"), .invalidCascade("stage 0 classifier 0 refers to feature 7.0 of 1")),
        (cascade(nodes: "0 -1 0 abc"), .invalidCascade("stage 0 classifier 0 <internalNodes> holds \"abc\", not a number")),
        (cascade(nodes: "1 2 0 0.5 0 -1 0 0.5"),
         .invalidCascade("stage 0 classifier 0 <internalNodes> has 8 numbers, expected 4")),
        (cascade(nodes: "1 -1 0 0.5"), .invalidCascade("stage 0 classifier 0 is not a stump: its node points to 1.0 and -1.0")),
        (cascade(features: "<_><rects><_>20 0 5 5 -1.</_></rects></_>"),
         .invalidCascade("feature 0 rectangle [20.0, 0.0, 5.0, 5.0] does not fit the 24x24 window")),
        (cascade(features: "<_><rects><_>0 0 5 5 -1.</_></rects><tilted>1</tilted></_>"),
         .unsupported("feature 0 is a tilted Haar feature")),
        (cascade(stageNum: "3"), .invalidCascade("<stageNum> says 3 stages but 1 are present")),
        (cascade(features: "<_><rect>0 0 9 1</rect></_>", featureType: "LBP", nodes: "0 -1 0 1 2 3 4 5 6 7 8"),
         .invalidCascade("feature 0 LBP grid [0.0, 0.0, 9.0, 1.0] does not fit the 24x24 window")),
        (cascade(features: "<_><rect>0 0 1 1</rect></_>", featureType: "LBP", nodes: "0 -1 0 1 2 3 4 5 6 7 4294967296"),
         .invalidCascade("stage 0 classifier 0 has a subset word 4294967296.0 outside 32 bits")),
    ])
    func malformed(_ xml: String, _ expected: CascadeError) {
        #expect(throws: expected) { try FaceDetector(cascadeXML: xml) }
    }

    @Test("a cascade shorter than the vector screen still scans", arguments: ["HAAR", "LBP"])
    func shortCascade(_ featureType: String) throws {
        let xml = featureType == "HAAR" ? Self.cascade(nodes: "0 -1 0 1e9")
            : Self.cascade(features: "<_><rect>0 0 8 8</rect></_>", featureType: "LBP", nodes: "0 -1 0 -1 -1 -1 -1 -1 -1 -1 -1")
        let detector = try FaceDetector(cascadeXML: xml)
        var random = SeededBytes(state: 3)
        let pixels = (0..<(120 * 90 * 3)).map { _ in random.next() }
        let image = try #require(RGBImage(width: 120, height: 90, pixels: pixels))
        // Both stumps send every window to the 0.5 leaf, above the stage threshold: hits all over the image,
        // more than the candidate cap, which the scan must respect.
        #expect(!detector.detect(in: image).isEmpty)
        let grey = GreyImage(areaAveraging: image, maxPixels: 320 * 240)
        #expect(scanPyramid(grey, cascade: detector.cascade, scaleFactor: 1.1).count == maxCandidates)
    }

    @Test("a missing or corrupt shipped cascade is an error that names the file")
    func missingOrCorrupt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cascades-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let face = folder.appendingPathComponent(CascadeResources.faceCascade).path
        #expect(throws: CascadeError.missingFile(face)) { try FaceDetector.bundled(directory: folder) }
        try Data("<opencv_storage><cascade><stageType>BOOST</stageType></cascade></opencv_storage>".utf8)
            .write(to: URL(fileURLWithPath: face))
        #expect(throws: CascadeError.invalidCascade("\(face): missing <featureType>")) {
            try FaceDetector.bundled(directory: folder)
        }
    }

    @Test("a cut-off copy of the shipped cascade is rejected at every length tried")
    func truncated() throws {
        let xml = try CascadeResources.text(CascadeResources.faceCascade, in: CascadeResources.defaultDirectory)
        for fraction in [0.001, 0.1, 0.5, 0.999] {
            let cut = String(xml.prefix(Int(Double(xml.count) * fraction)))
            #expect(throws: CascadeError.self) { try FaceDetector(cascadeXML: cut) }
        }
    }

    @Test("error descriptions say what is wrong")
    func descriptions() {
        #expect(CascadeError.malformedXML("x").description == "malformed cascade XML: x")
        #expect(CascadeError.invalidCascade("y").description == "invalid cascade: y")
        #expect(CascadeError.unsupported("z").description == "unsupported cascade: z")
        #expect(CascadeError.missingFile("/a/b.xml").description == "cannot read cascade file /a/b.xml")
    }

    /// A one-stage, one-stump cascade with the given parts replaced.
    static func cascade(width: String = "24", features: String = "<_><rects><_>0 0 6 6 -1.</_><_>0 0 3 6 2.</_></rects></_>",
                        featureType: String = "HAAR", nodes: String = "0 -1 0 0.5", stageNum: String = "1") -> String {
        """
        <?xml version="1.0"?>
        <!-- licence -->
        <opencv_storage>
        <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
          <featureType>\(featureType)</featureType>
          <height>24</height>
          <width>\(width)</width>
          <stageNum>\(stageNum)</stageNum>
          <stages>
            <!-- stage 0 -->
            <_>
              <maxWeakCount>1</maxWeakCount>
              <stageThreshold>-0.25</stageThreshold>
              <weakClassifiers>
                <_><internalNodes>\(nodes)</internalNodes><leafValues>0.5 -0.5</leafValues></_>
              </weakClassifiers></_>
          </stages>
          <features>\(features)</features></cascade>
        </opencv_storage>
        """
    }
}
