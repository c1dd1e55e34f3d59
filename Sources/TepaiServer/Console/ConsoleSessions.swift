import Foundation

/// A signed-in administrator's session: the cookie's random id and the CSRF token every form carries.
struct ConsoleSession: Sendable {
    var id: String
    var csrf: String
    var expires: Date
}

/// The console's sessions, kept in memory: a restart signs everyone out, and each replica has its own (sign
/// in again on the other). A session lasts `lifetime` from its last use. One-time sign-in links ("open on the
/// phone") are kept here too and expire after `ticketLifetime` or their first use.
final class ConsoleSessions: @unchecked Sendable {
    private let lock = NSLock()
    private var sessions: [String: ConsoleSession] = [:]
    private var tickets: [String: (next: String, expires: Date)] = [:]
    let lifetime: TimeInterval
    let ticketLifetime: TimeInterval
    /// At most this many live sessions; the oldest goes when a new one would exceed it.
    let capacity = 1000

    init(lifetime: TimeInterval = 8 * 3600, ticketLifetime: TimeInterval = 120) {
        self.lifetime = lifetime
        self.ticketLifetime = ticketLifetime
    }

    /// 32 random bytes from the system's generator, as hex.
    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &rng)) }.joined()
    }

    func create(now: Date = Date()) -> ConsoleSession {
        let session = ConsoleSession(id: Self.randomToken(), csrf: Self.randomToken(), expires: now.addingTimeInterval(lifetime))
        lock.withLock {
            sessions = sessions.filter { $0.value.expires > now }
            if sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.expires < $1.value.expires })?.key {
                sessions[oldest] = nil
            }
            sessions[session.id] = session
        }
        return session
    }

    /// The live session with this id, its expiry pushed forward; nil when unknown or expired.
    func session(_ id: String, now: Date = Date()) -> ConsoleSession? {
        lock.withLock {
            guard var s = sessions[id] else { return nil }
            guard s.expires > now else {
                sessions[id] = nil
                return nil
            }
            s.expires = now.addingTimeInterval(lifetime)
            sessions[id] = s
            return s
        }
    }

    func remove(_ id: String) {
        lock.withLock { sessions[id] = nil }
    }

    /// A one-time sign-in link's ticket that opens `next` (a console path).
    func issueTicket(next: String, now: Date = Date()) -> String {
        let ticket = Self.randomToken()
        lock.withLock {
            tickets = tickets.filter { $0.value.expires > now }
            tickets[ticket] = (next, now.addingTimeInterval(ticketLifetime))
        }
        return ticket
    }

    /// Uses up the ticket: the path it opens, or nil when unknown, used or expired.
    func redeem(_ ticket: String, now: Date = Date()) -> String? {
        lock.withLock {
            guard let t = tickets.removeValue(forKey: ticket), t.expires > now else { return nil }
            return t.next
        }
    }
}
