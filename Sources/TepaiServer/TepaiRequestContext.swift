import Hummingbird
import NIOCore

/// The request context of tepai's routes: Hummingbird's core storage plus the client's address, which the
/// query rate limit is keyed on.
public struct TepaiRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text ("unknown" when the channel has none).
    var clientKey: String { remoteAddress?.ipAddress ?? "unknown" }
}
