import Foundation
import Testing
@testable import CartoonService

@Suite struct JSONLogHandlerTests {
    @Test func encodesOneSortedObjectWithEscapes() throws {
        let line = JSONLogHandler.encode(["msg": "POST /cartoonify 200", "quote": #"say "hi"\n"#, "level": "info"])
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object == ["msg": "POST /cartoonify 200", "quote": #"say "hi"\n"#, "level": "info"])
        #expect(line.hasPrefix(#"{"level":"info","msg":"POST /cartoonify 200""#))
    }
}
