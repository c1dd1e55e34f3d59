import Foundation
import TepaiCore

/// The platforms' send limits per robot, shared by everything that sends to the same webhook.
public struct RobotLimits: Sendable {
    /// (count, window seconds) pairs that must all hold.
    public var windows: [(Int, Double)]
    /// How long a robot is muted after the platform says "too fast".
    public var cooldownAfterThrottle: Double

    public init(windows: [(Int, Double)], cooldownAfterThrottle: Double) {
        self.windows = windows
        self.cooldownAfterThrottle = cooldownAfterThrottle
    }

    public static func of(_ platform: Platform) -> RobotLimits {
        switch platform {
        case .wecom: RobotLimits(windows: [(20, 60)], cooldownAfterThrottle: 60)
        case .dingtalk: RobotLimits(windows: [(20, 60)], cooldownAfterThrottle: 600)
        case .feishu: RobotLimits(windows: [(100, 60), (5, 1)], cooldownAfterThrottle: 60)
        case .slack: RobotLimits(windows: [(1, 1)], cooldownAfterThrottle: 30)
        case .json, .log: RobotLimits(windows: [], cooldownAfterThrottle: 10)
        }
    }
}

/// Sliding-window limiter keyed by robot (the webhook URL): a send is allowed only if every window of the
/// platform still has room, so no robot's limit is exceeded even in bursts.
public actor RobotRateLimiter {
    private var sent: [String: [Double]] = [:]
    private var mutedUntil: [String: Double] = [:]
    /// Off only for throughput benchmarks; read without a hop onto the actor, so a worker with no limits
    /// pays nothing per send.
    public nonisolated let enabled: Bool

    public init(enabled: Bool = true) {
        self.enabled = enabled
    }

    /// The platform counts arrivals, we count departures: jitter on the way can squeeze sends together, so
    /// every window is kept a little longer than the platform's.
    static func guarded(_ window: Double) -> Double { window * 1.1 + 0.05 }

    /// Reserves a send now, or says how many seconds to wait.
    public func reserve(robot: String, limits: RobotLimits, now: Double) -> Double? {
        guard enabled else { return nil }
        if let until = mutedUntil[robot], until > now { return until - now }
        let longest = Self.guarded(limits.windows.map(\.1).max() ?? 0)
        var times = (sent[robot] ?? []).filter { now - $0 < longest }
        var wait = 0.0
        for (count, platformWindow) in limits.windows {
            let window = Self.guarded(platformWindow)
            let inWindow = times.filter { now - $0 < window }
            if inWindow.count >= count, let oldest = inWindow.sorted().dropLast(count - 1).last {
                wait = max(wait, oldest + window - now)
            }
        }
        if wait > 0 { return wait }
        times.append(now)
        sent[robot] = times
        return nil
    }

    /// A reserved send got its answer (or gave up) at `now`. The platform counted it at some moment before
    /// that, so from here on the send holds its place in the windows from `now`: the next send that needs its
    /// place then leaves a whole window after the platform saw it, however the transfer was delayed on the way
    /// (a loaded machine can hold one request back and let the next one through at once).
    public func finished(robot: String, reservedAt: Double, now: Double) {
        guard enabled, var times = sent[robot], let i = times.lastIndex(of: reservedAt) else { return }
        times[i] = max(reservedAt, now)
        sent[robot] = times
    }

    /// The platform answered "too fast" (45009, 130101, 11232): mute the robot for its cool-down.
    public func throttled(robot: String, limits: RobotLimits, now: Double) {
        mutedUntil[robot] = now + limits.cooldownAfterThrottle
    }
}
