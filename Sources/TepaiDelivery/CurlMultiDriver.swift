import CCurl
import Foundation

/// The one thread that owns the curl multi handle. Other threads only hand it transfers (`submit`) or ask it
/// to stop one (`cancel`), through a locked queue and `curl_multi_wakeup`; everything else, every easy handle
/// and every curl call but the wake-up, happens on the driver thread, as libcurl requires.
///
/// Why it admits transfers itself instead of handing them all to curl: curl starts a transfer's
/// `CURLOPT_TIMEOUT_MS` clock when the handle is added, and a handle that waits inside curl for a free
/// connection (`CURLMOPT_MAX_HOST_CONNECTIONS`) spends its timeout waiting. An earlier multi-handle version
/// added everything at once with 32 connections per host and saw a transfer time out that the peer had never
/// received. Here at most `maxTransfers` handles are in the multi handle and curl may open as many connections
/// per host, so a transfer's clock starts only when it can really run.
final class CurlMultiDriver: @unchecked Sendable {
    /// One request on its way, shared by the caller (who may cancel it) and the driver thread.
    final class Transfer: @unchecked Sendable {
        let request: HTTPRequestSpec
        /// Set by the caller before `submit`; called exactly once, on the driver thread.
        var done: @Sendable (Result<HTTPReply, any Error>) -> Void = { _ in }
        let sink = ResponseSink()
        // Driver-thread state.
        var headers: UnsafeMutablePointer<curl_slist>?
        var easy: UnsafeMutableRawPointer?
        // Caller-visible state, under `lock`.
        private let lock = NSLock()
        private var cancelledFlag = false

        init(request: HTTPRequestSpec) { self.request = request }

        var isCancelled: Bool { lock.withLock { cancelledFlag } }
        func markCancelled() { lock.withLock { cancelledFlag = true } }
    }

    private let options: TransportOptions
    private let maxTransfers: Int
    private let multi: UnsafeMutableRawPointer?

    // Shared with callers, under `lock`.
    private let lock = NSLock()
    private var incoming: [Transfer] = []
    private var cancelRequests: [Transfer] = []
    private var started = false
    private var stopping = false
    /// The driver is in (or about to enter) `curl_multi_poll` with nothing queued: only then does a new
    /// transfer need a wake-up. A busy driver picks it up on its next turn, which spares a syscall on each
    /// side per request under load.
    private var sleeping = false

    // Owned by the driver thread.
    private var waiting: [Transfer] = []
    private var waitingHead = 0
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    /// Reset easy handles kept for the next transfers (no allocation per request).
    private var spare: [UnsafeMutableRawPointer] = []

    init(options: TransportOptions, maxTransfers: Int) {
        self.options = options
        self.maxTransfers = max(1, maxTransfers)
        multi = curl_multi_init()
        if let multi {
            // Never more transfers than connections, so no added transfer queues inside curl (see above).
            _ = tepai_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, self.maxTransfers)
            // Idle connections kept for reuse: enough for 100 channels' hosts and every running transfer.
            _ = tepai_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(128, self.maxTransfers))
        }
    }

    func submit(_ transfer: Transfer) {
        guard let multi else {
            transfer.done(.failure(TransportError(code: -1, message: "curl_multi_init failed")))
            return
        }
        let (startThread, wake): (Bool, Bool) = lock.withLock {
            incoming.append(transfer)
            defer { started = true; sleeping = false }
            return (!started, sleeping)
        }
        if startThread {
            let thread = Thread { [self] in runLoop() }
            thread.name = "tepai-curl"
            thread.stackSize = 1 << 20
            thread.start()
        }
        // Safe from any thread; a wake-up sent between the driver's decision to sleep and its poll makes that
        // poll return at once, so a transfer appended just before can never wait for the poll timeout.
        if wake { curl_multi_wakeup(multi) }
    }

    func cancel(_ transfer: Transfer) {
        transfer.markCancelled()
        guard let multi else { return }
        lock.withLock { cancelRequests.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// The transport is gone (so nothing is in flight): the thread ends and frees the handles.
    func shutdown() {
        guard let multi else { return }
        let running: Bool = lock.withLock {
            stopping = true
            return started
        }
        if running { curl_multi_wakeup(multi) } else { curl_multi_cleanup(multi) }
    }

    private func runLoop() {
        guard let multi else { return }
        var running: Int32 = 0
        while true {
            let (arrived, cancels, stopNow) = lock.withLock {
                defer { incoming.removeAll(keepingCapacity: true); cancelRequests.removeAll() }
                return (incoming, cancelRequests, stopping)
            }
            if stopNow && arrived.isEmpty && active.isEmpty && waitingHead == waiting.count {
                for easy in spare { curl_easy_cleanup(easy) }
                spare.removeAll()
                curl_multi_cleanup(multi)
                return
            }
            for transfer in arrived {
                if transfer.isCancelled { transfer.done(.failure(CancellationError())) } else { waiting.append(transfer) }
            }
            for transfer in cancels { stop(transfer, multi) }
            admit(multi)
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                complete(easy, code: message.pointee.data.result, multi)
            }
            // Completions freed room for waiting transfers: start them before sleeping.
            if waitingHead < waiting.count && active.count < maxTransfers { continue }
            // Sleeps until a socket is ready, curl's next timeout, or a wake-up; at most a second. Whatever
            // arrived since the top of the loop is handled first.
            let idle = lock.withLock {
                sleeping = incoming.isEmpty && cancelRequests.isEmpty && !stopping
                return sleeping
            }
            guard idle else { continue }
            curl_multi_poll(multi, nil, 0, 1000, nil)
            lock.withLock { sleeping = false }
        }
    }

    /// Moves waiting transfers into the multi handle while there is room.
    private func admit(_ multi: UnsafeMutableRawPointer) {
        while active.count < maxTransfers && waitingHead < waiting.count {
            let transfer = waiting[waitingHead]
            waitingHead += 1
            guard let easy = spare.popLast() ?? curl_easy_init() else {
                transfer.done(.failure(TransportError(code: -1, message: "curl_easy_init failed")))
                continue
            }
            transfer.headers = CurlTransport.configure(easy, transfer.request, options, sink: Unmanaged.passUnretained(transfer.sink).toOpaque())
            let added = curl_multi_add_handle(multi, easy)
            guard added == CURLM_OK else {
                recycle(easy, transfer)
                transfer.done(.failure(TransportError(code: -1, message: "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))")))
                continue
            }
            transfer.easy = easy
            active[easy] = transfer
        }
        if waitingHead == waiting.count {
            waiting.removeAll(keepingCapacity: true)
            waitingHead = 0
        } else if waitingHead > 1024 {
            waiting.removeFirst(waitingHead)
            waitingHead = 0
        }
    }

    private func complete(_ easy: UnsafeMutableRawPointer, code: CURLcode, _ multi: UnsafeMutableRawPointer) {
        guard let transfer = active.removeValue(forKey: easy) else { return }
        var status = 0
        _ = tepai_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var seconds = 0.0
        _ = tepai_easy_getinfo_double(easy, CURLINFO_TOTAL_TIME, &seconds)
        curl_multi_remove_handle(multi, easy)
        recycle(easy, transfer)
        if code == CURLE_OK {
            transfer.done(.success(HTTPReply(status: status, body: transfer.sink.data, seconds: seconds, headers: transfer.sink.headers)))
        } else {
            transfer.done(.failure(TransportError(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))))
        }
    }

    /// A cancelled transfer leaves the queue or the multi handle at once; one already finished is left alone
    /// (its caller has its answer).
    private func stop(_ transfer: Transfer, _ multi: UnsafeMutableRawPointer) {
        if let easy = transfer.easy, active.removeValue(forKey: easy) != nil {
            curl_multi_remove_handle(multi, easy)
            recycle(easy, transfer)
            transfer.done(.failure(CancellationError()))
        } else if let index = waiting[waitingHead...].firstIndex(where: { $0 === transfer }) {
            waiting.remove(at: index)
            transfer.done(.failure(CancellationError()))
        }
    }

    /// Frees the transfer's header list and keeps the handle, reset, for the next transfer. The connection it
    /// used stays in the multi handle's cache.
    private func recycle(_ easy: UnsafeMutableRawPointer, _ transfer: Transfer) {
        curl_slist_free_all(transfer.headers)
        transfer.headers = nil
        transfer.easy = nil
        curl_easy_reset(easy)
        if spare.count < maxTransfers { spare.append(easy) } else { curl_easy_cleanup(easy) }
    }
}
