import Testing
import TepaiDelivery

@Suite struct CurlTransportFailureTests {
    @Test func refusedConnectionIsATransportError() async {
        // Port 1 on loopback has no listener here; the transfer must fail with curl's reason, not hang.
        var options = TransportOptions()
        options.connectTimeoutMs = 2_000
        do {
            _ = try await CurlTransport(options: options).send(HTTPRequestSpec(url: "http://127.0.0.1:1/"))
            Issue.record("expected a transport error")
        } catch let e as TransportError {
            #expect(e.code == 7)  // CURLE_COULDNT_CONNECT
            #expect(e.description.contains("curl error 7"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
