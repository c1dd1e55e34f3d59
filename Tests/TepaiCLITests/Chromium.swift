import Foundation

/// Headless Chromium (Debian package `chromium`, installed by scripts/install-deps.sh) loading a page of a
/// running daemon: the DOM after load (`--dump-dom`) and a phone-sized screenshot, in one run.
struct Chromium {
    let binary: String

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "chromium is not installed (or not on PATH): run scripts/install-deps.sh, which installs the Debian package chromium; " +
                "or set CHROMIUM to the browser's path"
        }
    }

    struct Failed: Error, CustomStringConvertible { var description: String }

    /// The browser named by $CHROMIUM, else `chromium` / `chromium-browser` on PATH; throws `Missing` (the
    /// console tests fail with that message rather than being skipped).
    static func find() throws -> Chromium {
        let env = ProcessInfo.processInfo.environment
        if let path = env["CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return Chromium(binary: path) }
        let dirs = (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"]
        for name in ["chromium", "chromium-browser"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return Chromium(binary: "\(dir)/\(name)") }
        }
        throw Missing()
    }

    /// Where screenshots are kept (gitignored): `.artifacts/console/` in the repository.
    static var artifacts: URL {
        let dir = CLI.root.appendingPathComponent(".artifacts/console")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Shows a page that a form post returned (Chromium cannot post a form from its command line): the HTML is
    /// written to a file with a `<base>` pointing at the daemon, so its stylesheet and links resolve, and loaded.
    func render(html: String, base: String, screenshot: URL) async throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-page-\(UUID().uuidString).html")
        defer { try? FileManager.default.removeItem(at: file) }
        try html.replacingOccurrences(of: "<head>", with: "<head><base href=\"\(base)/\">").write(to: file, atomically: true, encoding: .utf8)
        return try await load(file.absoluteString, screenshot: screenshot)
    }

    /// Loads `url` in a fresh profile, returns the DOM and writes `screenshot`. Stdout goes to a file, not a
    /// pipe, so a browser child that outlives a timed-out run cannot hold the read open; the run is killed
    /// after `seconds`.
    func load(_ url: String, screenshot: URL, width: Int = 412, height: Int = 1600, seconds: Double = 60) async throws -> String {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("tepai-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let domFile = work.appendingPathComponent("dom.html")
        guard FileManager.default.createFile(atPath: domFile.path, contents: nil) else { throw Failed(description: "cannot create \(domFile.path)") }
        let out = try FileHandle(forWritingTo: domFile)
        defer { try? out.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--window-size=\(width),\(height)",
            "--screenshot=\(screenshot.path)", "--dump-dom", url,
        ]
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try? FileManager.default.removeItem(at: screenshot)
        try p.run()
        let deadline = Date().addingTimeInterval(seconds)
        while p.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if p.isRunning {
            p.terminate()
            throw Failed(description: "chromium did not finish loading \(url) within \(Int(seconds)) s")
        }
        guard p.terminationStatus == 0 else { throw Failed(description: "chromium exited with \(p.terminationStatus) loading \(url)") }
        return String(decoding: (try? Data(contentsOf: domFile)) ?? Data(), as: UTF8.self)
    }
}
