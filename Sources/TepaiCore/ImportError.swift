/// Where a record came from, so that an error can point the administrator at it.
public struct RecordLocation: Sendable, Equatable, CustomStringConvertible {
    public enum Position: Sendable, Equatable {
        /// 1-based position in a JSON or YAML list.
        case record(Int)
        /// 1-based line of a JSON Lines file.
        case line(Int)
    }

    public var source: String
    public var position: Position

    public init(source: String, position: Position) {
        self.source = source
        self.position = position
    }

    public var description: String {
        switch position {
        case .record(let n): "\(source), record \(n)"
        case .line(let n): "\(source), line \(n)"
        }
    }
}

/// Why an import was refused. Nothing is written when any of these is raised.
public enum ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file itself cannot be read or parsed.
    case unreadable(source: String, reason: String)
    /// One field of one record is wrong.
    case invalidField(RecordLocation, field: String, reason: String)
    /// The record as a whole is wrong (not an object, duplicate id …).
    case invalidRecord(RecordLocation, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let source, let reason): "\(source): \(reason)"
        case .invalidField(let loc, let field, let reason): "\(loc), field \"\(field)\": \(reason)"
        case .invalidRecord(let loc, let reason): "\(loc): \(reason)"
        }
    }
}

/// A problem that does not stop a lenient import (unknown fields outside strict mode).
public struct ImportWarning: Sendable, Equatable, CustomStringConvertible {
    public var location: RecordLocation
    public var message: String
    public var description: String { "\(location): \(message)" }
}
