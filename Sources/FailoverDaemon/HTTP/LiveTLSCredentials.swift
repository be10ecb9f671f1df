import NIOCore
import NIOSSL
import Synchronization

/// The server's certificate and key, replaceable while it serves: every TLS handshake takes the
/// pair current at that moment, so a renewed certificate is used from the next connection on
/// after a reload, without a restart and without dropping open connections.
public final class LiveTLSCredentials: Sendable {
    private let current: Mutex<TLSCredentials>

    /// Starts serving `credentials`.
    public init(_ credentials: TLSCredentials) {
        current = Mutex(credentials)
    }

    /// Serves `credentials` from the next handshake on.
    public func replace(with credentials: TLSCredentials) {
        current.withLock { $0 = credentials }
    }

    /// The server configuration whose handshakes ask for the current pair.
    public var serverConfiguration: TLSConfiguration {
        let now = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: now.chain, privateKey: now.key)
        configuration.sslContextCallback = { [self] _, promise in
            let credentials = current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = credentials.chain
            override.privateKey = credentials.key
            promise.succeed(override)
        }
        return configuration
    }
}
