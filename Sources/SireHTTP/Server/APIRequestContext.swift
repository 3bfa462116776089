import Hummingbird
import NIOCore

/// Hummingbird's per-request context for the API: the logger, and whether the client connects
/// from this machine (the API without tokens serves only such clients).
package struct APIRequestContext: RequestContext {
    /// Hummingbird's own per-request storage (logger, parameters).
    package var coreContext: CoreRequestContextStorage
    /// True when the peer's address is a loopback address (or a Unix socket).
    package let loopbackPeer: Bool

    /// Made by the server for each request.
    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        loopbackPeer = Self.isLoopback(source.channel.remoteAddress)
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        switch address {
        case .v4(let v4)?: (UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24) == 127
        case .v6?: address?.ipAddress == "::1" || address?.ipAddress?.hasPrefix("::ffff:127.") == true
        case .unixDomainSocket?: true
        case nil: false
        }
    }
}
