import Foundation

/// A value that a reload may replace while readers keep working: each reader takes the current value at
/// the start of its work and finishes with it.
public final class Live<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Value

    public init(_ value: Value) { current = value }

    public var value: Value { lock.withLock { current } }

    public func replace(_ value: Value) { lock.withLock { current = value } }

    /// Changes the value in place under the lock and returns what `body` returns.
    public func update<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try lock.withLock { try body(&current) }
    }
}
