import Testing
@testable import CartoonService

@Suite struct APIKeyTests {
    let key = APIKey("s3cret")

    @Test func admitsExactBearerToken() {
        #expect(key.admits(authorization: "Bearer s3cret"))
    }

    @Test(arguments: [nil, "", "Bearer s3cre", "Bearer s3cret!", "bearer s3cret", "Basic s3cret", "Bearer S3cret"])
    func refusesAnythingElse(_ header: String?) {
        #expect(!key.admits(authorization: header))
    }
}
