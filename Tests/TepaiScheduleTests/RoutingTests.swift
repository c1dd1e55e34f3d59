import Foundation
import Testing
import TepaiCore
import TepaiDelivery
@testable import TepaiSchedule

/// Routing with the shipped configuration, which mirrors the bureau's city and county groups.
@Suite struct RoutingTests {
    let config: TepaiConfig = {
        let path = repositoryRoot.appendingPathComponent("config/tepai.yaml").path
        // The shipped file must load; a failure here is the test failing.
        return (try? ConfigLoader(environment: [:]).load(path: path, mustExist: true)) ?? TepaiConfig()
    }()

    func names(_ e: Entry) -> Set<String> { Set(ChannelRouter.channels(for: e, in: config.channels).map(\.name)) }

    @Test func theShippedConfigHasTheCityAndCountyGroups() {
        #expect(config.channels.count == 3 + 14 * 4)
        #expect(config.channels.allSatisfy { $0.platform == .log })
        for county in TepaiConfig.defaultCounties {
            for group in ["科技管理流程", "信息互通", "经验交流", "特派员风采"] {
                #expect(config.channels.contains { $0.name == "\(county)-\(group)" && $0.regions == [county] })
            }
        }
        #expect(config.schedules.map(\.digest) == [.policy, .trainings, .fairs, .reminders])
    }

    @Test func aCountyTrainingReachesItsCountyOnly() {
        let training = Entry(id: "t", kind: .training, title: "迁西县果树技术培训", body: "", tags: ["科技特派员"], region: "迁西县")
        let got = names(training)
        #expect(got == ["迁西县-信息互通", "迁西县-特派员风采"])
        #expect(!got.contains { $0.hasPrefix("玉田县") || $0.hasPrefix("迁安市") })
        // Without the commissioner tag it stays out of the showcase group.
        var plain = training
        plain.tags = []
        #expect(names(plain) == ["迁西县-信息互通"])
    }

    @Test func cityEntriesStayInCityGroupsAndFairsReachTheCityMatchingGroup() {
        let cityPolicy = Entry(id: "p", kind: .policy, title: "市级政策", body: "", region: "市级")
        #expect(names(cityPolicy) == ["市级-科技政策法规知识培训"])
        let countyFair = Entry(id: "f", kind: .matching, title: "曹妃甸对接会", body: "", region: "曹妃甸区")
        #expect(names(countyFair) == ["市级-技术成果供需对接", "曹妃甸区-信息互通"])
    }

    @Test func aNationalRuleReachesEveryCountysProcedureGroup() {
        let national = Entry(id: "n", kind: .policy, title: "研发费用加计扣除", body: "", region: "")
        let got = names(national)
        #expect(got.count == 15)
        #expect(got.contains("市级-科技政策法规知识培训"))
        for county in TepaiConfig.defaultCounties { #expect(got.contains("\(county)-科技管理流程")) }
    }

    @Test func digestTargetsFollowTheChannelsKinds() {
        let fairs = config.schedules.first { $0.digest == .fairs }
        let targets = Set(fairs?.targets(in: config.channels).map(\.name) ?? [])
        #expect(targets.contains("市级-技术成果供需对接") && targets.contains("迁西县-信息互通"))
        #expect(!targets.contains("迁西县-科技管理流程"))
    }
}
