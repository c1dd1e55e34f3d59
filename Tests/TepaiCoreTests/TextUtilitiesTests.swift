import Testing
import TepaiCore

@Suite struct TextUtilitiesTests {
    @Test func fingerprintsAreStableAndSeparateFields() {
        var a = FNV1a(), b = FNV1a(), c = FNV1a()
        a.add("ab"); a.add("c")
        b.add("a"); b.add("bc")
        c.add("ab"); c.add("c")
        #expect(a.value != b.value)
        #expect(a.value == c.value)
        // Fixed across processes and machines: an idempotency key must not change after a restart.
        var empty = FNV1a()
        empty.add("")
        #expect(empty.hex == "af63d24c8601db8e")  // computed independently (Python)
        #expect(FNV1a().hex.count == 16)
    }

    @Test func trailingWhitespaceOnly() {
        #expect(" 技术 合同 \n\t".trimmingTrailingWhitespace() == " 技术 合同")
        #expect(sentenceEnds.contains("。") && !sentenceEnds.contains("，"))
    }
}

@Suite struct ChannelDirectoryTests {
    @Test func switchesLieOverTheConfigAndSurviveAReload() {
        let a = ChannelConfig(name: "a", platform: .log)
        let b = ChannelConfig(name: "b", platform: .log, enabled: false)
        let directory = ChannelDirectory([a, b], overrides: ["b": true])
        #expect(directory.named("b")?.enabled == true)
        #expect(directory.setEnabled("a", false))
        #expect(!directory.setEnabled("zzz", false))
        #expect(directory.all.map(\.enabled) == [false, true])
        // A reload brings a new channel list; the switches of channels that remain still apply.
        directory.replace(configured: [a, ChannelConfig(name: "c", platform: .log)])
        #expect(directory.all.map(\.name) == ["a", "c"])
        #expect(directory.named("a")?.enabled == false)
        directory.replace(switches: [:])
        #expect(directory.named("a")?.enabled == true)
    }
}
