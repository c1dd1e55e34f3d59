import Foundation
import Logging
import TepaiCore
import TepaiRender
import TepaiStore
@testable import TepaiSchedule

let shanghai = TimeZone(identifier: "Asia/Shanghai")!

/// The repository root, for the real templates and configuration.
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    return url
}()

func at(_ wall: String) -> Date { LocalDateTime(wall)!.instant(in: shanghai) }

func freshStore() throws -> SQLiteStore {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-schedule-\(UUID().uuidString).sqlite").path
    return try SQLiteStore(path: path)
}

func realComposer() throws -> DigestComposer {
    try DigestComposer(templates: try TemplateSet(directory: repositoryRoot.appendingPathComponent("Templates").path), timeZone: shanghai)
}

func runner(_ store: SQLiteStore, channels: [ChannelConfig]) throws -> DigestJobRunner {
    var logger = Logger(label: "test")
    logger.logLevel = .critical
    return DigestJobRunner(composer: Live(try realComposer()), ledger: DigestLedger(store: store), channels: ChannelDirectory(channels), logger: logger)
}

func policy(_ id: String, region: String = "市级", date: String = "2026-11-20", body: String = "正文。", tags: [String] = []) -> Entry {
    Entry(id: id, kind: .policy, title: "政策\(id)", body: body, tags: tags, region: region, date: LocalDate(date), url: "https://kjj.example.gov.cn/\(id).html")
}

func event(_ id: String, kind: EntryKind = .training, region: String = "市级", day: String, deadline: String? = nil) -> Entry {
    Entry(id: id, kind: kind, title: "活动\(id)", body: "活动介绍。", region: region, date: LocalDate(day),
          url: "https://kjj.example.gov.cn/\(id).html", startsAt: LocalDateTime(day + "T09:00"), deadline: deadline.flatMap(LocalDateTime.init),
          venue: "市科技会展中心")
}

func job(_ digest: DigestKind, cron: String = "0 9 * * MON", maxItems: Int = 20, days: Int? = nil) throws -> ScheduleConfig {
    ScheduleConfig(name: "job-\(digest.rawValue)", digest: digest, cron: try CronExpression(cron), maxItems: maxItems, days: days)
}
