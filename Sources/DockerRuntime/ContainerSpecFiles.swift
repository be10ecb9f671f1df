import DockerEngine
import FoundationEssentials
import RuntimeSpec
import ServiceSupport

/// The files a container spec names on the cloud host, read each time the copy is made or
/// started, so a rotated secret or a changed environment file needs no restart. Secrets and
/// registry credentials must not be readable by other users; their contents never reach a
/// log line, a label or the environment.
struct ContainerSpecFiles: Sendable {
    let spec: ContainerSpec

    /// The environment with the environment file read in.
    func environment() throws(DockerError) -> [String] {
        guard let path = spec.environmentFile else { return spec.environment }
        let text: String
        do {
            text = String(decoding: try TextFile.bytes(of: path, secret: true), as: UTF8.self)
        } catch {
            throw Self.failure("read container.env_file", error.description, container: spec.name)
        }
        do {
            return try spec.environment(withFileContents: text)
        } catch {
            throw Self.failure("read container.env_file", "\(path): \(error.problem)", container: spec.name)
        }
    }

    /// The spec as it is made, with the environment file read in: what its fingerprint covers.
    func resolved() throws(DockerError) -> ContainerSpec {
        var resolved = spec
        resolved.environment = try environment()
        resolved.environmentFile = nil
        return resolved
    }

    /// Each secret's name and bytes, in name order.
    func secrets() throws(DockerError) -> [(name: String, contents: [UInt8])] {
        var secrets: [(name: String, contents: [UInt8])] = []
        for (name, path) in spec.secrets.sorted(by: { $0.key < $1.key }) {
            do {
                secrets.append((name, try TextFile.bytes(of: path, secret: true)))
            } catch {
                throw Self.failure("read container.secrets", "secret '\(name)': \(error.description)", container: spec.name)
            }
        }
        return secrets
    }

    /// The registry credentials in `path` (JSON `{"username": …, "password": …}`), nil without a file.
    static func credentials(_ path: String?) throws(DockerError) -> RegistryCredentials? {
        guard let path else { return nil }
        struct Stored: Decodable {
            let username: String
            let password: String
        }
        do {
            let stored = try JSONDecoder().decode(Stored.self, from: Data(try TextFile.bytes(of: path, secret: true)))
            return RegistryCredentials(username: stored.username, password: stored.password)
        } catch let error as TextFile.ReadError {
            throw failure("read container.registry_auth_file", error.description)
        } catch {
            throw failure("read container.registry_auth_file", "\(path) is not JSON {\"username\": …, \"password\": …}")
        }
    }

    private static func failure(_ call: String, _ message: String, container: String? = nil) -> DockerError {
        DockerError(kind: .hostFile, call: call, container: container, message: message)
    }
}
