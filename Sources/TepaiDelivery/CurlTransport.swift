import CCurl
import Foundation
import TepaiCore

/// One outgoing HTTP request.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data
    /// The proxy of this request (a channel's `proxy`), overriding the transport's; "" = direct, nil = the
    /// transport's (or curl's default, which reads `http_proxy`).
    public var proxy: String?
    /// Hosts reached directly although a proxy is set (curl's `no_proxy` list).
    public var noProxy: String?

    public init(method: String = "POST", url: String, headers: [(String, String)] = [], body: Data = Data(),
                proxy: String? = nil, noProxy: String? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.proxy = proxy
        self.noProxy = noProxy
    }
}

/// What the peer answered.
public struct HTTPReply: Sendable {
    public var status: Int
    public var body: Data
    public var seconds: Double
    /// Response headers of the final response, in order. Captured for GET requests only (feeds need `ETag` and
    /// `Last-Modified`); the POST path of delivery leaves them empty and pays nothing for them.
    public var headers: [(name: String, value: String)]

    public init(status: Int, body: Data, seconds: Double, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.body = body
        self.seconds = seconds
        self.headers = headers
    }

    /// The first header of that name (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// A transfer that did not produce an HTTP answer (timeout, refused connection, TLS failure …).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var message: String
    /// Timeouts and connection failures are worth retrying.
    public var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
    public var description: String { "curl error \(code): \(message)" }
}

/// Timeouts and proxy for outgoing requests.
public struct TransportOptions: Sendable {
    public var connectTimeoutMs = 5_000
    public var totalTimeoutMs = 15_000
    public var proxy: String?
    public var noProxy: String?
    public var verifyTLS = true
    public init() {}

    /// For requests that belong to no channel (feeds, replies to callbacks): the configuration's global
    /// `proxy` / `no_proxy`, as for a channel without its own keys. Without a global proxy the request goes
    /// direct (`""`), whatever `http_proxy` the daemon's environment happens to carry.
    public init(proxyFrom config: TepaiConfig) {
        proxy = config.proxy ?? ""
        noProxy = config.noProxy
    }
}

/// Outgoing HTTP through libcurl: one multi handle, driven by one dedicated thread, runs every transfer of the
/// process's transport (see `CurlMultiDriver`). Blocking C calls never touch Swift's cooperative pool; the
/// multi handle's connection cache keeps connections to webhook hosts alive across messages.
public final class CurlTransport: Sendable {
    public let options: TransportOptions
    private let driver: CurlMultiDriver

    /// `curl_global_init` must run once, before any other thread uses curl.
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    /// - Parameter maxTransfers: transfers running at once; more wait in the driver's queue, where their
    ///   timeouts have not started yet.
    public init(options: TransportOptions = TransportOptions(), maxTransfers: Int = 128) {
        _ = Self.globalInit
        self.options = options
        driver = CurlMultiDriver(options: options, maxTransfers: maxTransfers)
    }

    /// No `send` can be running (each holds the transport): the driver thread may end.
    deinit { driver.shutdown() }

    /// Runs one request. Cancelling the calling task stops the transfer and throws `CancellationError`.
    public func send(_ request: HTTPRequestSpec) async throws -> HTTPReply {
        let transfer = CurlMultiDriver.Transfer(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.done = { continuation.resume(with: $0) }
                driver.submit(transfer)
            }
        } onCancel: {
            driver.cancel(transfer)
        }
    }

    /// Sets every option of one transfer on a fresh or reset easy handle. Returns the header list, which must
    /// live until the transfer ends.
    static func configure(_ handle: UnsafeMutableRawPointer, _ request: HTTPRequestSpec, _ options: TransportOptions,
                          sink: UnsafeMutableRawPointer) -> UnsafeMutablePointer<curl_slist>? {
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        // Without this, curl sends "Expect: 100-continue" for bodies over 1 KB and waits up to a second for a
        // "100 Continue" that many peers never send.
        headerList = curl_slist_append(headerList, "Expect:")

        _ = tepai_easy_setopt_string(handle, CURLOPT_URL, request.url)
        _ = tepai_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = tepai_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs)
        _ = tepai_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.totalTimeoutMs)
        _ = tepai_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)
        _ = tepai_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)
        _ = tepai_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        // "" means direct: curl then ignores the process's http_proxy variables too. Nil leaves curl's default.
        if let proxy = request.proxy ?? options.proxy { _ = tepai_easy_setopt_string(handle, CURLOPT_PROXY, proxy) }
        if let noProxy = request.noProxy ?? options.noProxy { _ = tepai_easy_setopt_string(handle, CURLOPT_NOPROXY, noProxy) }
        if request.method == "GET" {
            // A plain GET without a body; feeds may redirect and compress, and their validators are headers.
            _ = tepai_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)
            _ = tepai_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
            _ = tepai_easy_setopt_long(handle, CURLOPT_MAXREDIRS, 5)
            _ = tepai_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
            _ = tepai_easy_setopt_header_function(handle) { ptr, size, count, user in
                guard let ptr, let user else { return 0 }
                let n = size * count
                Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue()
                    .addHeaderLine(UnsafeRawBufferPointer(start: UnsafeRawPointer(ptr), count: n))
                return n
            }
            _ = tepai_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, sink)
        } else {
            _ = tepai_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
            request.body.withUnsafeBytes { raw in
                _ = tepai_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(raw.count))
                // COPYPOSTFIELDS copies the bytes, so the buffer need not outlive this call.
                if let base = raw.baseAddress {
                    _ = tepai_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base))
                } else {
                    _ = tepai_easy_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, "")
                }
            }
        }
        _ = tepai_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = tepai_easy_setopt_write_function(handle) { ptr, size, count, user in
            guard let ptr, let user else { return 0 }
            let n = size * count
            Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue().data.append(UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: n)
            return n
        }
        _ = tepai_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, sink)
        return headerList
    }
}

/// Collects the response body inside curl's write callback (one transfer, on the driver thread).
final class ResponseSink: @unchecked Sendable {
    var data = Data()
    var headers: [(name: String, value: String)] = []

    /// One raw header line from curl's header callback. A status line starts a new response (after a
    /// redirect or a 100 Continue), so only the final response's headers are kept.
    func addHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces)
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        if !name.isEmpty { headers.append((name, value)) }
    }
}
