import Foundation

/// A token bucket per client: `perMinute` requests a minute, refilled continuously, bursts up to `perMinute`.
/// Keeps one small record per recent client; idle clients are forgotten.
public final class RateLimiter: @unchecked Sendable {
    public let perMinute: Int
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Double)] = [:]
    private let now: @Sendable () -> Double

    public init(perMinute: Int, now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.perMinute = perMinute
        self.now = now
    }

    /// Takes one token for `client`; returns the seconds to wait when there is none (nil = allowed).
    public func take(_ client: String) -> Double? {
        guard perMinute > 0 else { return nil }
        let t = now()
        let rate = Double(perMinute) / 60
        lock.lock()
        defer { lock.unlock() }
        if buckets.count > 10_000 {
            buckets = buckets.filter { t - $0.value.at < 120 }
        }
        var b = buckets[client] ?? (Double(perMinute), t)
        b.tokens = min(Double(perMinute), b.tokens + (t - b.at) * rate)
        b.at = t
        guard b.tokens >= 1 else {
            buckets[client] = b
            return (1 - b.tokens) / rate
        }
        b.tokens -= 1
        buckets[client] = b
        return nil
    }
}
