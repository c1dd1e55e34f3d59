import Foundation
import Logging
import Hummingbird
import TepaiCore
import TepaiSearch
import TepaiStore

/// Content: the answer search, browsing, adding and editing entries, importing a file, announcing.
extension Console {
    var validator: EntryValidator { EntryValidator(knownRegions: admin.config.knownRegions, strict: admin.config.strictImport) }

    func registerContent(on router: Router<TepaiRequestContext>) {
        router.get("/console/content", use: guarded { call in try await contentPage(call) })
        router.get("/console/entries/new", use: guarded { call in
            entryPage(call.session, values: ["kind": call.query("kind").isEmpty ? "faq" : call.query("kind")], isNew: true)
        })
        router.post("/console/entries", use: guarded { call in try await saveEntry(call, id: nil) })
        router.get("/console/entries/:id", use: guarded { call in
            guard let id = EntryPath.id(call.context.parameters), let entry = try await admin.store.entry(id: id) else {
                return message("没有这个条目", "知识库里没有这个编号的条目。", status: .notFound, session: call.session)
            }
            return entryPage(call.session, values: EntryForm.values(entry), isNew: false, notice: call.query("saved") == "1" ? "已保存。" : nil)
        })
        router.post("/console/entries/:id", use: guarded { call in try await saveEntry(call, id: EntryPath.id(call.context.parameters)) })
        router.post("/console/entries/:id/delete", use: guarded { call in try await deleteEntry(call, id: EntryPath.id(call.context.parameters) ?? "") })
        router.get("/console/import", use: guarded { call in page("import", title: "导入", session: call.session, ["formats": Self.formats("auto")]) })
        router.post("/console/import", use: guarded { call in try await importEntries(call) })
        router.get("/console/announce", use: guarded { call in announcePage(call.session, values: ["kind": "matching", "region": "市级"]) })
        router.post("/console/announce", use: guarded { call in try await announce(call) })
    }

    // MARK: search and browse

    func contentPage(_ call: Call) async throws -> Response {
        let q = call.query("q").trimmingCharacters(in: .whitespacesAndNewlines)
        let kind = call.query("kind")
        var context: [String: Any] = ["q": q, "kinds": EntryForm.kindOptions(selected: kind)]
        var status = HTTPResponse.Status.ok
        if !q.isEmpty {
            if q.count > 200 {
                context["errors"] = ["q": "问题不能超过 200 个字（现在 \(q.count) 个字）。"]
                status = .unprocessableContent
            } else {
                let answers = admin.live.answers
                let outcome = try await answers.search(q, limit: 5)
                let reply = try await answers.answer(q)
                context["searched"] = true
                context["declined"] = outcome.declined
                context["reason"] = outcome.declineReason ?? "没有足够相关的条目"
                context["answer"] = reply.answer
                context["hasHits"] = !outcome.hits.isEmpty
                context["hits"] = outcome.hits.enumerated().map { i, hit in
                    ["rank": i + 1, "id": hit.entry.id, "path": EntryPath.segment(hit.entry.id), "title": hit.entry.title, "kind": hit.entry.kind.label,
                     "score": String(format: "%.3f", Double(hit.score))] as [String: Any]
                }
            }
        }
        if !kind.isEmpty, EntryKind(rawValue: kind) == nil {
            context["errors"] = ["kind": "没有“\(kind)”这个类别。"]
            status = .badRequest
        }
        let all = try await admin.store.allEntries().filter { kind.isEmpty || $0.kind.rawValue == kind }
            .sorted { ($0.date?.description ?? "", $0.id) > ($1.date?.description ?? "", $1.id) }
        context["total"] = all.count
        context["entries"] = all.prefix(300).map { e in
            ["id": e.id, "path": EntryPath.segment(e.id), "title": e.title, "kind": e.kind.label, "region": e.region.isEmpty ? "全国" : e.region, "date": e.date?.description ?? ""] as [String: Any]
        }
        context["truncated"] = all.count > 300
        return page("content", title: "内容", session: call.session, context, status: status)
    }

    // MARK: add and edit

    func entryPage(_ session: ConsoleSession, values: [String: String], isNew: Bool, errors: [String: String] = [:], notice: String? = nil,
                   status: HTTPResponse.Status = .ok) -> Response {
        var context: [String: Any] = [
            "values": values, "isNew": isNew, "kinds": EntryForm.kindOptions(selected: values["kind"] ?? "faq"),
            "regions": admin.config.knownRegions.sorted(), "action": isNew ? "/console/entries" : "/console/entries/\(EntryPath.segment(values["id"] ?? ""))",
        ]
        if !errors.isEmpty { context["errors"] = errors; context["hasErrors"] = true }
        if let notice { context["notice"] = notice }
        return page("entry", title: isNew ? "新增条目" : "编辑条目", session: session, context, status: status)
    }

    /// Adds (`id` nil) or edits an entry. Bad input is shown at each field and nothing is written; adding an
    /// id that exists is refused rather than overwriting it.
    func saveEntry(_ call: Call, id: String?) async throws -> Response {
        if let id, try await admin.store.entry(id: id) == nil {
            return message("没有这个条目", "知识库里没有这个编号的条目，没有做任何修改。", status: .notFound, session: call.session)
        }
        var values = EntryForm.values(call.form)
        if let id { values["id"] = id }
        var form = call.form
        if let id { form.fields["id"] = id }
        switch EntryForm.read(form, validator: validator) {
        case .failure(let errors):
            return entryPage(call.session, values: values, isNew: id == nil, errors: errors.byField, status: .unprocessableContent)
        case .success(let entry):
            if id == nil, try await admin.store.entry(id: entry.id) != nil {
                return entryPage(call.session, values: values, isNew: true, errors: ["id": "编号 \(entry.id) 已经存在；要修改它，请在内容列表里打开它编辑。"],
                                 status: .unprocessableContent)
            }
            let counts = try await admin.store.upsert([entry])
            try await admin.live.answers.refresh()
            logger.notice("entry saved in the console", metadata: ["id": "\(entry.id)", "added": "\(counts.added)", "updated": "\(counts.updated)"])
            return Self.redirect("/console/entries/\(EntryPath.segment(entry.id))?saved=1")
        }
    }

    /// Deletes an entry once the box is ticked; without it the edit page comes back with the message at the
    /// box and nothing is deleted.
    func deleteEntry(_ call: Call, id: String) async throws -> Response {
        guard let entry = try await admin.store.entry(id: id) else {
            return message("没有这个条目", "知识库里没有这个编号的条目，没有删除任何内容。", status: .notFound, session: call.session)
        }
        guard call.form.trimmed("confirm") == "yes" else {
            return entryPage(call.session, values: EntryForm.values(entry), isNew: false, errors: ["confirm": "请先勾选“确认删除”，再点删除。"],
                             status: .unprocessableContent)
        }
        _ = try await admin.store.delete(id: id)
        try await admin.live.answers.refresh()
        logger.notice("entry deleted in the console", metadata: ["id": "\(id)"])
        return message("已删除", "条目“\(entry.title)”（\(id)）已从知识库删除。", status: .ok, session: call.session)
    }

    // MARK: import

    static func formats(_ selected: String) -> [[String: Any]] {
        [("auto", "按文件名/内容判断"), ("json", "JSON"), ("jsonl", "JSON Lines"), ("yaml", "YAML")].map { ["value": $0.0, "label": $0.1, "selected": $0.0 == selected] }
    }

    /// Imports an uploaded file or pasted text all or nothing: every broken record is listed with its place,
    /// field and reason, and then nothing is written.
    func importEntries(_ call: Call) async throws -> Response {
        let format = call.form.trimmed("format").isEmpty ? "auto" : call.form.trimmed("format")
        var context: [String: Any] = ["formats": Self.formats(format), "text": call.form["text"]]
        let upload = call.form.files["file"].flatMap { $0.data.isEmpty ? nil : $0 }
        let pasted = call.form["text"].trimmingCharacters(in: .whitespacesAndNewlines)
        let name: String
        var data: Data
        if let upload {
            name = upload.name.isEmpty ? "上传的文件" : upload.name
            data = upload.data
        } else if !pasted.isEmpty {
            name = "粘贴的内容"
            data = Data(call.form["text"].utf8)
        } else {
            context["errors"] = ["file": "请选择一个文件，或在下面粘贴内容。"]
            return page("import", title: "导入", session: call.session, context, status: .unprocessableContent)
        }
        let fileFormat: EntryFileFormat
        switch format {
        case "json": fileFormat = .json
        case "jsonl": fileFormat = .jsonLines
        case "yaml": fileFormat = .yaml
        case "auto": fileFormat = EntryFileFormat.detect(path: upload?.name ?? "", data: data)
        default:
            context["errors"] = ["format": "不认识的格式“\(format)”。"]
            return page("import", title: "导入", session: call.session, context, status: .unprocessableContent)
        }
        // A last line without a line break is complete here (the upload is whole), not a file still being written.
        if fileFormat == .jsonLines, data.last != 0x0A { data.append(0x0A) }
        let result: EntryBatchReader.LenientResult
        do { result = try EntryBatchReader(validator: validator).readLeniently(data, name: name, format: fileFormat) } catch {
            context["problems"] = [Self.problemRow(error)]
            context["refused"] = true
            return page("import", title: "导入", session: call.session, context, status: .unprocessableContent)
        }
        guard result.problems.isEmpty else {
            context["problems"] = result.problems.map(Self.problemRow)
            context["problemCount"] = result.problems.count
            context["validCount"] = result.entries.count
            context["hasCount"] = true
            context["hasValid"] = !result.entries.isEmpty
            context["refused"] = true
            return page("import", title: "导入", session: call.session, context, status: .unprocessableContent)
        }
        guard !result.entries.isEmpty else {
            context["errors"] = ["file": "\(name) 里没有条目。"]
            return page("import", title: "导入", session: call.session, context, status: .unprocessableContent)
        }
        let counts = try await admin.store.upsert(result.entries)
        try await admin.live.answers.refresh()
        logger.notice("entries imported in the console", metadata: ["source": "\(name)", "added": "\(counts.added)", "updated": "\(counts.updated)"])
        context["text"] = ""
        context["notice"] = "已导入 \(name)：新增 \(counts.added) 条，更新 \(counts.updated) 条，未变 \(counts.unchanged) 条。"
        context["warnings"] = result.warnings.map(\.description)
        context["hasWarnings"] = !result.warnings.isEmpty
        return page("import", title: "导入", session: call.session, context)
    }

    static func problemRow(_ error: ImportError) -> [String: Any] {
        switch error {
        case .invalidField(let loc, let field, let reason): ["where": loc.description, "field": field, "reason": ConsoleMessages.chinese(reason)]
        case .invalidRecord(let loc, let reason): ["where": loc.description, "field": "", "reason": ConsoleMessages.chinese(reason)]
        case .unreadable(let source, let reason): ["where": source, "field": "", "reason": reason]
        }
    }

    // MARK: announce

    func announcePage(_ session: ConsoleSession, values: [String: String], errors: [String: String] = [:], extra: [String: Any] = [:],
                      status: HTTPResponse.Status = .ok) -> Response {
        var context: [String: Any] = [
            "values": values, "kinds": EntryForm.kindOptions(selected: values["kind"] ?? "matching", only: [.matching, .training]),
            "regions": admin.config.knownRegions.sorted(),
        ]
        if !errors.isEmpty { context["errors"] = errors; context["hasErrors"] = true }
        context.merge(extra) { _, new in new }
        return page("announce", title: "发布活动", session: session, context, status: status)
    }

    /// `preview` shows the channels the entry reaches and the message each gets; `send` stores the entry and
    /// queues it. A fair or training only; an entry no enabled channel takes is refused and not stored.
    func announce(_ call: Call) async throws -> Response {
        var form = call.form
        let kind = form.trimmed("kind")
        var values = EntryForm.values(form)
        guard kind == EntryKind.matching.rawValue || kind == EntryKind.training.rawValue else {
            return announcePage(call.session, values: values, errors: ["kind": "只能发布对接会或培训。"], status: .unprocessableContent)
        }
        if form.trimmed("id").isEmpty {
            // A stable id from the kind, day and title, so previewing and then sending name the same entry.
            var h = FNV1a()
            h.add(form.trimmed("title"))
            form.fields["id"] = "\(kind == "matching" ? "fair" : "training")-\(form.trimmed("date").isEmpty ? "undated" : form.trimmed("date"))-\(h.hex.prefix(8))"
            values["id"] = form.fields["id"]
        }
        let entry: Entry
        switch EntryForm.read(form, validator: validator) {
        case .failure(let errors): return announcePage(call.session, values: values, errors: errors.byField, status: .unprocessableContent)
        case .success(let e): entry = e
        }
        let plans = try admin.announcer.plan(entry)
        guard !plans.isEmpty else {
            return announcePage(call.session, values: values, errors: ["region": "没有已启用的群会收到它（地区 \(entry.region.isEmpty ? "全国" : entry.region)，类别 \(entry.kind.label)）。请检查地区，或先在“群”页启用相应的群。"],
                                status: .unprocessableContent)
        }
        let reach: [[String: Any]] = plans.map { p in
            ["channel": p.channel.name, "platform": "\(p.channel.platform.rawValue) · \(p.channel.format)", "parts": p.messages.map { m in
                ["text": m.content, "bytes": m.content.utf8.count] as [String: Any]
            }]
        }
        guard form.trimmed("action") == "send" else {
            // Shown: the channels it reaches and each message; nothing is stored or queued yet.
            return announcePage(call.session, values: values, extra: ["reach": reach, "hasReach": true, "previewed": true])
        }
        switch try await admin.announce(entry) {
        case .failure(let refusal):
            return announcePage(call.session, values: values, errors: ["region": refusal.description], status: .unprocessableContent)
        case .success(let view):
            try await admin.live.answers.refresh()
            let text = view.queued == 0 ? "这条\(entry.kind.label)之前已经发布过，没有重复排队。"
                : "已保存 \(entry.id)，向 \(view.channels.joined(separator: "、")) 排队 \(view.queued) 条消息。"
            return announcePage(call.session, values: values, extra: ["reach": reach, "hasReach": true, "notice": text, "sent": true])
        }
    }
}
