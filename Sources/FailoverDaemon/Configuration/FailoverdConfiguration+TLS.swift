import HummingbirdTLS
import NIOSSL
import ServiceSupport

/// A server certificate chain and its private key, loaded from the PEM files.
public struct TLSCredentials: Sendable {
    /// The certificate chain, leaf first.
    public var chain: [NIOSSLCertificateSource]
    /// The leaf's private key.
    public var key: NIOSSLPrivateKeySource
}

extension FailoverdConfiguration {
    /// The server certificate and key from the PEM files, or nil when TLS is off.
    ///
    /// Alertmanager usually reaches failoverd across the internet, so HTTPS keeps the bearer
    /// token and the alert contents off the wire in clear text.
    public func tlsCredentials() throws(ConfigurationError) -> TLSCredentials? {
        guard let certificatePath = tlsCertificatePath, let keyPath = tlsKeyPath else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            // A key that does not belong to the certificate would fail every handshake later;
            // say so now, while the old pair still serves.
            _ = try NIOSSLContext(configuration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
            return TLSCredentials(chain: chain, key: .privateKey(key))
        } catch {
            throw ConfigurationError(key: "tls", problem: "cannot load certificate \(certificatePath) or key \(keyPath): \(error)")
        }
    }

    /// The CAs whose client certificates the listener requires (`tls.client_ca_file`), empty
    /// when none are asked for. Read once at start: the listener's trust is fixed until a restart.
    public func tlsClientCertificateAuthorities() throws(ConfigurationError) -> [NIOSSLCertificate] {
        guard let path = tlsClientCAPath else { return [] }
        guard tlsCertificatePath != nil else {
            throw ConfigurationError(
                key: "tls.client_ca_file",
                problem: "needs tls.certificate and tls.key: client certificates exist only over HTTPS"
            )
        }
        do {
            let authorities = try NIOSSLCertificate.fromPEMFile(path)
            guard !authorities.isEmpty else { throw ConfigurationError(key: "tls.client_ca_file", problem: "\(path) holds no certificate") }
            return authorities
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: "tls.client_ca_file", problem: "cannot load \(path): \(error)")
        }
    }

    /// A client TLS configuration for talking to this daemon on loopback (the CLI): trusts the
    /// daemon's own certificate and skips the host name check, since 127.0.0.1 is rarely a SAN.
    /// When the listener asks for client certificates, it presents the daemon's own pair.
    public func tlsLoopbackClientConfiguration() throws(ConfigurationError) -> TLSConfiguration? {
        guard let certificatePath = tlsCertificatePath else { return nil }
        do {
            var client = TLSConfiguration.makeClientConfiguration()
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
            client.trustRoots = .certificates(chain)
            client.certificateVerification = .noHostnameVerification
            if tlsClientCAPath != nil, let keyPath = tlsKeyPath {
                client.certificateChain = chain.map { .certificate($0) }
                client.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))
            }
            return client
        } catch {
            throw ConfigurationError(key: "tls.certificate", problem: "cannot load \(certificatePath): \(error)")
        }
    }
}
