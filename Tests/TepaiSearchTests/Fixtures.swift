import Foundation
import TepaiCore
import TepaiSearch

enum Fixtures {
    static var root: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return url
    }

    static let lexicon: Lexicon = (try? Lexicon.load(path: root.appendingPathComponent("config/lexicon.yaml").path)) ?? Lexicon()
    static let today = LocalDate(year: 2026, month: 11, day: 23) ?? LocalDate(dayNumber: 0)

    static let entries: [Entry] = [
        Entry(id: "tc-where", kind: .faq, title: "技术合同在哪里办理认定登记？", body: "技术合同由卖方到市技术合同登记站办理认定登记，也可在网上登记系统提交。",
              tags: ["技术合同", "登记"], region: "市级"),
        Entry(id: "tc-vat", kind: .policy, title: "技术转让、技术开发免征增值税政策", body: "纳税人提供技术转让、技术开发和与之相关的技术咨询、技术服务，免征增值税。",
              tags: ["增值税", "技术合同"]),
        Entry(id: "hte-cond", kind: .policy, title: "高新技术企业认定条件", body: "企业申请认定时须注册成立一年以上，近三个会计年度研究开发费用总额占同期销售收入总额的比例符合要求。",
              tags: ["高企", "认定"]),
        Entry(id: "sme-eval", kind: .faq, title: "科技型中小企业评价怎么申报？", body: "企业登录科技型中小企业服务平台自主评价，填报信息后公示入库，取得入库登记编号。",
              tags: ["科技型中小企业"]),
        Entry(id: "tpy-duty", kind: .faq, title: "科技特派员主要承担哪些职责？", body: "科技特派员深入农村和企业开展技术服务，每年服务时间不少于60天。", tags: ["科技特派员"]),
        Entry(id: "trn-qianxi-dec", kind: .training, title: "迁西县2026年12月科技特派员果树冬季管理技术培训", body: "邀请专家讲解果树冬季修剪和病虫害防治。",
              tags: ["培训", "果树"], region: "迁西县", date: LocalDate("2026-12-08"), startsAt: LocalDateTime("2026-12-08T09:00"),
              deadline: LocalDateTime("2026-12-05"), venue: "迁西县科技局会议室"),
        Entry(id: "trn-qianxi-oct", kind: .training, title: "迁西县2026年10月科技特派员板栗提质增效技术培训", body: "板栗提质增效技术讲座。",
              tags: ["培训", "板栗"], region: "迁西县", date: LocalDate("2026-10-15")),
        Entry(id: "trn-city-hte-sep", kind: .training, title: "市科技局2026年9月高新技术企业认定申报培训会", body: "讲解高企申报流程与材料。",
              tags: ["培训", "高企"], region: "市级", date: LocalDate("2026-09-10")),
        Entry(id: "trn-city-hte-feb", kind: .training, title: "2027年度高新技术企业认定政策解读会", body: "解读高企认定政策和申报要点。",
              tags: ["培训", "高企"], region: "市级", date: LocalDate("2027-02-25")),
        Entry(id: "mat-zunhua-jan", kind: .matching, title: "遵化市2027年1月科技成果转化项目路演", body: "高校院所科技成果路演与企业对接。",
              tags: ["对接会", "路演"], region: "遵化市", date: LocalDate("2027-01-20")),
    ]

    static func engine(_ entries: [Entry] = entries, tuning: RankingTuning = RankingTuning()) -> QueryEngine {
        QueryEngine(
            index: SearchIndex(entries: entries),
            analyzer: QueryAnalyzer(lexicon: lexicon, regions: TepaiConfig().regionCatalog, pinyin: PinyinTable()),
            tuning: tuning)
    }
}
