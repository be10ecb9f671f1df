/// How a newly loaded configuration differs from the running one, and what a reload makes of
/// it: reloadable keys take their new values, the others keep theirs until a restart.
struct ConfigurationChange: Sendable {
    /// Changed keys whose new values the reload applies, in table order.
    let applied: [String]
    /// Changed keys that keep their running values until failoverd restarts.
    let restartRequired: [String]
    /// The running configuration with the applied keys changed: what is in effect afterwards.
    let effective: FailoverdConfiguration

    init(running: FailoverdConfiguration, loaded: FailoverdConfiguration) {
        let changed = FailoverdConfiguration.keys.filter { $0.differs(running, loaded) }
        // Turning TLS on or off changes the listener itself, which only a restart rebuilds.
        let listenerChanges = running.servesTLS != loaded.servesTLS
        var applied: [String] = []
        var restartRequired: [String] = []
        var effective = running
        for key in changed {
            if key.reloadable && !(listenerChanges && key.path.hasPrefix("tls.")) {
                key.copyValue(from: loaded, into: &effective)
                applied.append(key.path)
            } else {
                restartRequired.append(key.path)
            }
        }
        Self.compareServices(running: running, loaded: loaded, effective: &effective, applied: &applied, restartRequired: &restartRequired)
        self.applied = applied
        self.restartRequired = restartRequired
        self.effective = effective
    }

    /// The same per service: a service added, removed or renamed needs a restart (it has its
    /// own controller, runtime and state file); its reloadable keys apply like the top-level ones.
    private static func compareServices(
        running: FailoverdConfiguration,
        loaded: FailoverdConfiguration,
        effective: inout FailoverdConfiguration,
        applied: inout [String],
        restartRequired: inout [String]
    ) {
        guard running.services.map(\.name) == loaded.services.map(\.name) else {
            restartRequired.append("services")
            return
        }
        for (index, service) in loaded.services.enumerated() {
            for key in FailoverdConfiguration.perServiceKeys where key.differs(running.services[index].settings, service.settings) {
                let path = "services[\(service.name)].\(key.path)"
                if key.reloadable {
                    key.copyValue(from: service.settings, into: &effective.services[index].settings)
                    applied.append(path)
                } else {
                    restartRequired.append(path)
                }
            }
        }
    }
}

extension FailoverdConfiguration {
    /// Whether the listener speaks HTTPS.
    var servesTLS: Bool { tlsCertificatePath != nil && tlsKeyPath != nil }
}
