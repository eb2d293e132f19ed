import Pipeline
import Testing
@testable import CartoonService

@Suite struct CartoonOptionsTests {
    @Test func defaultsAreFaceCropAtModelSize() throws {
        let options = try CartoonOptions(query: [:])
        #expect(options == CartoonOptions(size: nil, crop: .face))
    }

    @Test func parsesSizeAndCrop() throws {
        #expect(try CartoonOptions(query: ["size": "256", "crop": "NONE"]) == CartoonOptions(size: 256, crop: .none))
        #expect(try CartoonOptions(query: ["size": "64", "crop": "center"]) == CartoonOptions(size: 64, crop: .center))
        #expect(try CartoonOptions(query: ["size": "1024"]).size == 1024)
    }

    @Test(arguments: ["63", "1025", "abc", "", "-5", "12.5"])
    func rejectsBadSizes(_ raw: String) {
        #expect {
            try CartoonOptions(query: ["size": raw])
        } throws: { error in
            (error as? ServiceError)?.status == 400 && (error as? ServiceError)?.message.contains("size") == true
        }
    }

    @Test func rejectsUnknownCrop() {
        #expect(throws: ServiceError.self) { try CartoonOptions(query: ["crop": "square"]) }
    }

    @Test func faceSelectionIsLargestUnlessAllIsAsked() throws {
        #expect(try CartoonOptions(query: [:]).face == .largest)
        #expect(try CartoonOptions(query: ["face": "ALL"]).face == .all)
        #expect {
            try CartoonOptions(query: ["face": "second"])
        } throws: { error in
            (error as? ServiceError)?.message == "face must be one of largest, all, got 'second'."
        }
    }
}
