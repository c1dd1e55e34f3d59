import Foundation

/// The channels as they stand now: the configured ones, with the enable/disable switches an administrator
/// set at runtime laid over them. Every component that sends or routes reads it at the moment it needs it,
/// so a reload (SIGHUP) or a switch in the admin API takes effect without a restart.
public final class ChannelDirectory: @unchecked Sendable {
    private let lock = NSLock()
    private var configured: [ChannelConfig]
    private var overrides: [String: Bool]
    private var effective: [ChannelConfig] = []
    private var index: [String: ChannelConfig] = [:]

    public init(_ configured: [ChannelConfig], overrides: [String: Bool] = [:]) {
        self.configured = configured
        self.overrides = overrides
        rebuild()
    }

    /// Every channel, in configuration order, with its current `enabled`.
    public var all: [ChannelConfig] { lock.withLock { effective } }

    /// Channels by name (the first of a repeated name wins, as the config loader refuses repeats anyway).
    public var byName: [String: ChannelConfig] { lock.withLock { index } }

    public func named(_ name: String) -> ChannelConfig? { lock.withLock { index[name] } }

    /// The runtime switches, by channel name.
    public var switches: [String: Bool] { lock.withLock { overrides } }

    /// Takes a new configured list (a reload); runtime switches of channels that still exist stay.
    public func replace(configured channels: [ChannelConfig]) {
        lock.withLock {
            configured = channels
            rebuild()
        }
    }

    /// Takes the stored switches (another process, such as `tepai channels disable`, may have set them).
    public func replace(switches: [String: Bool]) {
        lock.withLock {
            guard switches != overrides else { return }
            overrides = switches
            rebuild()
        }
    }

    /// Switches a channel on or off; false when no channel has that name.
    @discardableResult
    public func setEnabled(_ name: String, _ enabled: Bool) -> Bool {
        lock.withLock {
            guard index[name] != nil else { return false }
            overrides[name] = enabled
            rebuild()
            return true
        }
    }

    /// Lock held.
    private func rebuild() {
        effective = configured.map { c in
            var c = c
            if let on = overrides[c.name] { c.enabled = on }
            return c
        }
        index = Dictionary(effective.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
