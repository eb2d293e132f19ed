import NN
import Parallel
import Testing
@testable import CartoonService

@Suite struct CorePolicyTests {
    @Test func exclusiveMustWinClearly() {
        #expect(CorePolicyCalibration(exclusive: 10, spread: 9).policy == .exclusive)
        #expect(CorePolicyCalibration(exclusive: 10, spread: 9.6).policy == .spread)
        #expect(CorePolicyCalibration(exclusive: 5, spread: 5).policy == .spread)
    }

    @Test func calibrationTimesBothWays() throws {
        let plan = GeneratorPlan(try TinyModel.load().generator)
        let calibration = CorePolicyCalibration.measure(plan, cores: 2, rounds: 2)
        #expect(calibration.exclusive > 0 && calibration.exclusive.isFinite)
        #expect(calibration.spread > 0 && calibration.spread.isFinite)
        let single = CorePolicyCalibration.measure(plan, cores: 1, rounds: 1)
        #expect(single.exclusive == single.spread)
    }

    @Test(arguments: [CorePolicySetting.spread, .exclusive])
    func aFixedPolicyIsTakenAsGiven(setting: CorePolicySetting) throws {
        let server = try TestService { $0.corePolicy = setting }
        #expect(server.service.cores.policy.rawValue == setting.rawValue)
        #expect(try server.send("GET", "/readyz").status == 200)
    }
}
