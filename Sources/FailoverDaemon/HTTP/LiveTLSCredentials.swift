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

    /// The server configuration whose handshakes ask for the current pair: TLS 1.2 or later
    /// (`minimumVersion` "1.3" for 1.3 only), and on 1.2 only ECDHE key exchange with AEAD
    /// ciphers, as Mozilla's intermediate profile has it (no CBC, no SHA-1 MACs). With
    /// `clientAuthorities`, a client without a certificate one of them signed is refused in
    /// the handshake, before any byte of HTTP.
    public func serverConfiguration(minimumVersion: String, clientAuthorities: [NIOSSLCertificate] = []) -> TLSConfiguration {
        let now = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: now.chain, privateKey: now.key)
        if !clientAuthorities.isEmpty {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .certificates(clientAuthorities)
        }
        configuration.minimumTLSVersion = minimumVersion == "1.3" ? .tlsv13 : .tlsv12
        configuration.cipherSuites = "ECDHE+AESGCM:ECDHE+CHACHA20"
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
