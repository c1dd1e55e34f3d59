import Foundation
import Logging
import Hummingbird
import TepaiCore
import TepaiDelivery
import TepaiSchedule
import TepaiStore

/// Dashboard, channels, schedules and digest previews.
extension Console {
    func registerPages(on router: Router<TepaiRequestContext>) {
        router.get("/console", use: guarded { call in try await dashboard(call) })
        router.get("/console/channels", use: guarded { call in channelsPage(call.session, notice: nil) })
        router.post("/console/channels/:name/enable", use: guarded { call in try await switchChannel(call, on: true) })
        router.post("/console/channels/:name/disable", use: guarded { call in try await switchChannel(call, on: false) })
        router.post("/console/channels/:name/test", use: guarded { call in
            guard let name = call.context.parameters.get("name"), let channel = admin.live.channels.named(name) else {
                return message("没有这个群", "没有名为该名称的群（渠道）。", status: .notFound, session: call.session)
            }
            let report = await admin.testChannel(channel)
            let parts = report.parts.map { "\($0.result)，\($0.ms) 毫秒" }.joined(separator: "；")
            return channelsPage(call.session, notice: report.ok ? "测试消息已发到 \(name)：\(parts)" : nil,
                                failure: report.ok ? nil : "测试消息发到 \(name) 失败：\(parts)", status: report.ok ? .ok : .badGateway)
        })
        router.get("/console/schedules", use: guarded { call in try await schedulesPage(call.session) })
        router.post("/console/schedules/:name", use: guarded { call in try await editSchedule(call) })
        router.get("/console/digests", use: guarded { call in try await digestsPage(call, send: false) })
        router.post("/console/digests/:channel/send", use: guarded { call in try await digestsPage(call, send: true) })
    }

    // MARK: dashboard

    func dashboard(_ call: Call) async throws -> Response {
        let byChannel = try await admin.outbox.recentDeliveries(channels: admin.live.channels.all.map(\.name), perChannel: 20)
        let channels: [[String: Any]] = admin.live.channels.all.map { c in
            let rows = byChannel[c.name] ?? []
            let last = rows.last
            let failures = rows.filter { $0.outcome != "delivered" }.count
            let health: (String, String) = !c.enabled ? ("已停用", "off") : last == nil ? ("近期未发送", "idle")
                : last?.outcome == "delivered" ? (failures == 0 ? "正常" : "正常（近 20 次有 \(failures) 次失败）", "ok") : ("最近一次失败", "bad")
            var row: [String: Any] = ["name": c.name, "platform": c.platform.rawValue, "health": health.0, "healthClass": health.1,
                                      "last": last.map { wallTime(Date(timeIntervalSince1970: $0.at)) } ?? "—"]
            if let error = last.flatMap({ $0.outcome == "delivered" ? nil : $0.message }), !error.isEmpty { row["lastError"] = error }
            return row
        }
        let now = admin.clock.instant()
        let zone = admin.config.timezone
        let stored = try await overrides.all()
        var upcoming: [(Date, [String: Any])] = []
        for job in admin.config.schedules where job.enabled {
            let cron = stored[job.name].flatMap { try? CronExpression($0) } ?? job.cron
            guard let next = cron.nextFire(after: now, in: zone) else { continue }
            upcoming.append((next, ["name": job.name, "digest": Self.digestLabel(job.digest), "cron": cron.source,
                                    "next": CronPreview.describe(next, in: zone, now: now),
                                    "channels": job.targets(in: admin.live.channels.all).map(\.name).joined(separator: "、")]))
        }
        let rows = try await admin.outbox.recentDeliveries(limit: 15).map(logRow)
        let failures = try await admin.outbox.recentDeliveries(limit: 10, failuresOnly: true).map(logRow)
        let counts = try await admin.outbox.counts()
        let outbox: [[String: Any]] = [(OutboxMessage.Status.pending, "待发送"), (.sending, "发送中"), (.delivered, "已送达"), (.dead, "失败（不再重试）")]
            .map { ["label": $0.1, "count": counts[$0.0] ?? 0, "status": $0.0.rawValue] }
        return page("dashboard", title: "概览", session: call.session, [
            "channels": channels, "schedules": upcoming.sorted { $0.0 < $1.0 }.map(\.1), "deliveries": Array(rows),
            "failures": Array(failures), "outbox": outbox, "zone": zone.identifier, "now": wallTime(now),
            "dead": counts[.dead] ?? 0, "hasDead": (counts[.dead] ?? 0) > 0,
        ])
    }

    func logRow(_ row: DeliveryLogEntry) -> [String: Any] {
        let label = row.outcome == "delivered" ? "已送达" : row.outcome == "retry" ? "失败，将重试" : row.outcome == "dead" ? "失败" : row.outcome
        return ["at": wallTime(Date(timeIntervalSince1970: row.at)), "channel": row.channel, "outcome": label,
                "ok": row.outcome == "delivered", "code": row.code.map(String.init) ?? "", "message": row.message ?? "",
                "ms": row.latencyMs.map { "\(Int($0.rounded())) 毫秒" } ?? ""]
    }

    static func digestLabel(_ d: DigestKind) -> String {
        switch d {
        case .policy: "政策汇总"
        case .trainings: "培训预告"
        case .fairs: "对接会预告"
        case .reminders: "报名提醒"
        }
    }

    // MARK: channels

    func channelsPage(_ session: ConsoleSession, notice: String?, failure: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let channels: [[String: Any]] = admin.live.channels.all.map { c in
            let v = ChannelView(c)
            return ["name": v.name, "platform": v.platform, "format": v.format, "url": v.url.isEmpty ? "（写入服务日志）" : v.url,
                    "regions": v.regions.isEmpty ? "全部" : v.regions.joined(separator: "、"),
                    "kinds": v.kinds.isEmpty ? "全部" : c.kinds.map(\.label).joined(separator: "、"), "enabled": v.enabled]
        }
        var context: [String: Any] = ["channels": channels]
        if let notice { context["notice"] = notice }
        if let failure { context["failure"] = failure }
        return page("channels", title: "群", session: session, context, status: status)
    }

    func switchChannel(_ call: Call, on: Bool) async throws -> Response {
        guard let name = call.context.parameters.get("name"), try await admin.setChannel(name, enabled: on) != nil else {
            return message("没有这个群", "没有名为该名称的群（渠道），没有做任何修改。", status: .notFound, session: call.session)
        }
        return channelsPage(call.session, notice: on ? "已启用 \(name)。" : "已停用 \(name)：不再向它发送消息。")
    }

    // MARK: schedules

    func schedulesPage(_ session: ConsoleSession, edits: [String: (text: String, error: String?, preview: [String])] = [:],
                       notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let stored = try await overrides.all()
        let now = admin.clock.instant()
        let zone = admin.config.timezone
        let jobs: [[String: Any]] = admin.config.schedules.map { job in
            let override = stored[job.name]
            let cron = override.flatMap { try? CronExpression($0) } ?? job.cron
            let edit = edits[job.name]
            var row: [String: Any] = [
                "name": job.name, "digest": Self.digestLabel(job.digest), "configured": job.cron.source, "cron": cron.source,
                "overridden": override != nil, "enabled": job.enabled, "value": edit?.text ?? cron.source,
                "next": CronPreview.nextFires(cron, after: now, in: zone).map { CronPreview.describe($0, in: zone, now: now) },
                "channels": job.targets(in: admin.live.channels.all).map(\.name).joined(separator: "、"),
            ]
            if let error = edit?.error { row["error"] = error }
            if let preview = edit?.preview, !preview.isEmpty {
                row["preview"] = preview
                row["hasPreview"] = true
            }
            return row
        }
        var context: [String: Any] = ["schedules": jobs, "zone": zone.identifier, "empty": jobs.isEmpty]
        if let notice { context["notice"] = notice }
        return page("schedules", title: "定时", session: session, context, status: status)
    }

    /// Preview (the next five fire times of what was typed) or save (stored, applies within a minute) or
    /// reset (back to the configured cron). A bad expression is shown at its field and nothing is stored.
    func editSchedule(_ call: Call) async throws -> Response {
        guard let name = call.context.parameters.get("name"), admin.config.schedules.contains(where: { $0.name == name }) else {
            return message("没有这个定时任务", "配置中没有该名称的定时任务，没有做任何修改。", status: .notFound, session: call.session)
        }
        let action = call.form.trimmed("action")
        if action == "reset" {
            try await overrides.remove(job: name)
            logger.notice("schedule override removed", metadata: ["job": "\(name)"])
            return try await schedulesPage(call.session, notice: "\(name) 已恢复为配置文件中的时间。")
        }
        let text = call.form.trimmed("cron")
        guard !text.isEmpty else {
            return try await schedulesPage(call.session, edits: [name: (text, "请填写时间表达式，例如 0 9 * * MON（每周一 9:00）。", [])], status: .unprocessableContent)
        }
        let cron: CronExpression
        do { cron = try CronExpression(text) } catch {
            return try await schedulesPage(call.session, edits: [name: (text, "时间表达式有误：\(ConsoleMessages.chinese(error.description))", [])], status: .unprocessableContent)
        }
        let now = admin.clock.instant()
        let zone = admin.config.timezone
        let fires = CronPreview.nextFires(cron, after: now, in: zone)
        guard !fires.isEmpty else {
            return try await schedulesPage(call.session, edits: [name: (text, "这个表达式永远不会触发（例如 2 月 30 日）。", [])], status: .unprocessableContent)
        }
        let preview = fires.map { CronPreview.describe($0, in: zone, now: now) }
        guard action == "save" else {
            return try await schedulesPage(call.session, edits: [name: (text, nil, preview)])
        }
        try await overrides.set(job: name, cron: cron.source, now: Date())
        logger.notice("schedule changed in the console", metadata: ["job": "\(name)", "cron": "\(cron.source)"])
        return try await schedulesPage(call.session, notice: "已保存 \(name)：\(cron.source)。一分钟内生效，从现在起按新时间计算；重启后仍然有效。")
    }

    // MARK: digests

    func digestsPage(_ call: Call, send: Bool) async throws -> Response {
        let all = admin.live.channels.all
        let name = send ? call.context.parameters.get("channel") ?? "" : call.query("channel")
        var context: [String: Any] = [
            "channels": all.map { ["name": $0.name, "selected": $0.name == name] }, "selected": name,
        ]
        guard !name.isEmpty else { return page("digests", title: "汇总预览", session: call.session, context) }
        guard let channel = admin.live.channels.named(name) else {
            context["errors"] = ["channel": "没有名为 \(name) 的群。"]
            return page("digests", title: "汇总预览", session: call.session, context, status: .notFound)
        }
        guard let (plans, enqueued) = try await admin.digestPlans(for: channel, schedule: nil, send: send) else {
            context["errors"] = ["channel": "没有定时任务发往 \(name)，无法预览。"]
            return page("digests", title: "汇总预览", session: call.session, context, status: send ? .unprocessableContent : .ok)
        }
        context["platform"] = "\(channel.platform.rawValue) · \(channel.format)"
        context["plans"] = plans.map { p in
            ["schedule": p.schedule, "count": p.parts.count, "parts": p.parts.enumerated().map { i, part in
                ["n": i + 1, "bytes": part.bytes, "limit": part.limit, "text": part.text,
                 "html": PlatformPreview.html(part.text, title: p.title, url: nil, channel: channel)] as [String: Any]
            }] as [String: Any]
        }
        context["empty"] = plans.isEmpty
        if send {
            context["notice"] = enqueued > 0 ? "已排队 \(plans.count) 条汇总（共 \(enqueued) 段消息），发送结果见概览页。"
                : plans.isEmpty ? "现在没有要发给 \(name) 的内容，没有排队。" : "这些内容在这一时段已经排过队，没有重复排队。"
        }
        return page("digests", title: "汇总预览", session: call.session, context)
    }
}
