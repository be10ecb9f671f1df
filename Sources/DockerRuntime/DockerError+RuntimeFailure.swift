import DockerEngine
import FailoverCore
import RuntimeSpec

extension RuntimeFailure {
    /// The engine-neutral form of a Docker failure; Docker's own words stay in the detail and
    /// in `docker.*` log fields (`journalctl DOCKER_ERROR_KIND=unreachable` keeps working).
    init(_ error: DockerError) {
        let kind: Kind =
            switch error.kind {
            case .unreachable: .unreachable
            case .timeout: .timedOut
            case .imageMissing, .api, .hostFile: .refused
            case .badResponse: .badResponse
            }
        var context = ["docker.call": error.call, "docker.error_kind": error.kind.rawValue]
        if let status = error.status { context["docker.status"] = String(status) }
        self.init(kind: kind, detail: error.description, target: error.container, context: context)
    }
}
