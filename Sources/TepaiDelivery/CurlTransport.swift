import CCurl
import Foundation

/// One outgoing HTTP request.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data

    public init(method: String = "POST", url: String, headers: [(String, String)] = [], body: Data = Data()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// What the peer answered.
public struct HTTPReply: Sendable {
    public var status: Int
    public var body: Data
    public var seconds: Double

    public init(status: Int, body: Data, seconds: Double) {
        self.status = status
        self.body = body
        self.seconds = seconds
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
    public var verifyTLS = true
    public init() {}
}

/// Outgoing HTTP through libcurl: one multi handle, driven by one dedicated thread, runs every transfer.
/// Blocking C calls never touch Swift's cooperative pool; callers' continuations are resumed from that thread.
/// The multi handle's connection cache keeps connections to webhook hosts alive across messages.
public final class CurlTransport: Sendable {
    public let options: TransportOptions
    private let driver: MultiDriver

    /// `curl_global_init` must run once, before any other thread uses curl.
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()

    public init(options: TransportOptions = TransportOptions(), maxConnectionsPerHost: Int = 32) {
        _ = Self.globalInit
        self.options = options
        driver = MultiDriver(options: options, maxConnectionsPerHost: maxConnectionsPerHost)
    }

    public func send(_ request: HTTPRequestSpec) async throws -> HTTPReply {
        try await withCheckedThrowingContinuation { continuation in
            driver.submit(request) { continuation.resume(with: $0) }
        }
    }

    /// Sets every option of one transfer; returns the header list, which must live until the transfer ends.
    static func configure(_ handle: UnsafeMutableRawPointer, _ request: HTTPRequestSpec, _ options: TransportOptions,
                          sink: UnsafeMutableRawPointer) -> UnsafeMutablePointer<curl_slist>? {
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        // Without this, curl sends "Expect: 100-continue" for larger bodies and waits for the peer.
        headerList = curl_slist_append(headerList, "Expect:")
        _ = tepai_easy_setopt_string(handle, CURLOPT_URL, request.url)
        _ = tepai_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = tepai_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, options.connectTimeoutMs)
        _ = tepai_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, options.totalTimeoutMs)
        _ = tepai_easy_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, options.verifyTLS ? 1 : 0)
        _ = tepai_easy_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, options.verifyTLS ? 2 : 0)
        _ = tepai_easy_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1)
        if let proxy = options.proxy { _ = tepai_easy_setopt_string(handle, CURLOPT_PROXY, proxy) }
        _ = tepai_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        _ = tepai_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        _ = tepai_easy_setopt_write_function(handle) { ptr, size, count, user in
            guard let ptr, let user else { return 0 }
            let n = size * count
            Unmanaged<ResponseSink>.fromOpaque(user).takeUnretainedValue().data.append(UnsafeRawPointer(ptr).assumingMemoryBound(to: UInt8.self), count: n)
            return n
        }
        _ = tepai_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, sink)
        if request.method != "GET" {
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
        return headerList
    }
}

/// The thread that owns the multi handle: adds submitted transfers, runs them all, and completes each one.
final class MultiDriver: @unchecked Sendable {
    /// One transfer in flight; retained by the multi handle's PRIVATE pointer until it completes.
    final class Transfer {
        let request: HTTPRequestSpec
        let done: @Sendable (Result<HTTPReply, Error>) -> Void
        let sink = ResponseSink()
        var headers: UnsafeMutablePointer<curl_slist>?

        init(request: HTTPRequestSpec, done: @escaping @Sendable (Result<HTTPReply, Error>) -> Void) {
            self.request = request
            self.done = done
        }
    }

    private let lock = NSLock()
    private var incoming: [Transfer] = []
    private var started = false
    private let multi: UnsafeMutableRawPointer?
    private let options: TransportOptions

    init(options: TransportOptions, maxConnectionsPerHost: Int) {
        self.options = options
        multi = curl_multi_init()
        if let multi {
            _ = tepai_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, maxConnectionsPerHost)
            _ = tepai_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(64, maxConnectionsPerHost * 2))
        }
    }

    func submit(_ request: HTTPRequestSpec, _ done: @escaping @Sendable (Result<HTTPReply, Error>) -> Void) {
        guard let multi else {
            done(.failure(TransportError(code: -1, message: "curl_multi_init failed")))
            return
        }
        lock.lock()
        incoming.append(Transfer(request: request, done: done))
        if !started {
            started = true
            let thread = Thread { [self] in self.run() }
            thread.name = "tepai-curl"
            thread.stackSize = 1 << 20
            thread.start()
        }
        lock.unlock()
        curl_multi_wakeup(multi)
    }

    private func run() {
        guard let multi else { return }
        var running: Int32 = 0
        while true {
            lock.lock()
            let batch = incoming
            incoming.removeAll()
            lock.unlock()
            for transfer in batch { add(transfer, to: multi) }
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                finish(easy, code: message.pointee.data.result, multi: multi)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }

    private func add(_ transfer: Transfer, to multi: UnsafeMutableRawPointer) {
        guard let easy = curl_easy_init() else {
            transfer.done(.failure(TransportError(code: -1, message: "curl_easy_init failed")))
            return
        }
        transfer.headers = CurlTransport.configure(easy, transfer.request, options, sink: Unmanaged.passUnretained(transfer.sink).toOpaque())
        _ = tepai_easy_setopt_pointer(easy, CURLOPT_PRIVATE, Unmanaged.passRetained(transfer).toOpaque())
        curl_multi_add_handle(multi, easy)
    }

    private func finish(_ easy: UnsafeMutableRawPointer, code: CURLcode, multi: UnsafeMutableRawPointer) {
        var raw: UnsafeMutableRawPointer?
        _ = tepai_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &raw)
        var status = 0
        _ = tepai_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var seconds = 0.0
        _ = tepai_easy_getinfo_double(easy, CURLINFO_TOTAL_TIME, &seconds)
        curl_multi_remove_handle(multi, easy)
        curl_easy_cleanup(easy)
        guard let raw else { return }
        let transfer = Unmanaged<Transfer>.fromOpaque(raw).takeRetainedValue()
        curl_slist_free_all(transfer.headers)
        if code == CURLE_OK {
            transfer.done(.success(HTTPReply(status: status, body: transfer.sink.data, seconds: seconds)))
        } else {
            transfer.done(.failure(TransportError(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))))
        }
    }
}

/// Collects the response body inside curl's write callback (one transfer, one thread).
final class ResponseSink: @unchecked Sendable {
    var data = Data()
}
