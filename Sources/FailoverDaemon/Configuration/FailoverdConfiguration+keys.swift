import RuntimeSpec

extension FailoverdConfiguration {
    /// Every configuration key, in the order the configuration reference and `check-config` show them.
    ///
    /// Adding a key: a property with its default on `FailoverdConfiguration` (on
    /// `ServiceSettings` if each service may set it), one line here, and its use. Environment
    /// variables are `FAILOVERD_` + the path in capitals unless a key keeps an older name.
    static let keys: [ConfigurationKey] = [
        ConfigurationKey("listen.host", \.host, environment: "FAILOVERD_HOST", "Address the webhook listener binds."),
        ConfigurationKey(
            "listen.port",
            \.port,
            environment: "FAILOVERD_PORT",
            flag: "port",
            allowed: .within(0...65535),
            "Port the webhook listener binds (0: any free port)."
        ),
        ConfigurationKey(
            "tls.certificate",
            \.tlsCertificatePath,
            reloadable: true,
            "PEM certificate chain; with tls.key, failoverd serves HTTPS. SIGHUP re-reads both files (turning TLS on or off needs a restart)."
        ),
        ConfigurationKey("tls.key", \.tlsKeyPath, reloadable: true, "PEM private key for tls.certificate."),
        ConfigurationKey(
            "tls.min_version",
            \.tlsMinimumVersion,
            allowed: .oneOf(["1.2", "1.3"]),
            "Oldest TLS version accepted (1.2: with AEAD ECDHE suites only; 1.0 and 1.1 are never offered)."
        ),
        ConfigurationKey(
            "tls.client_ca_file",
            \.tlsClientCAPath,
            "PEM CAs; when set, every client (Alertmanager, Prometheus, the failoverd CLI) must present a certificate one of them signed. The CLI presents tls.certificate, so include its issuer (or the certificate itself, if self-signed)."
        ),
        ConfigurationKey(
            "auth.token_file",
            \.tokenFile,
            environment: "FAILOVERD_TOKEN_FILE",
            reloadable: true,
            "File with the shared token (Bearer, or Basic password); default $CREDENTIALS_DIRECTORY/webhook-token."
        ),
        ConfigurationKey(
            "auth.basic_username",
            \.basicAuthUsername,
            allowed: .nonEmpty,
            reloadable: true,
            "User name accepted with the token as Basic password."
        ),
        ConfigurationKey(
            "metrics.require_token",
            \.metricsRequireToken,
            "Whether GET /metrics needs the token (Bearer or Basic) like /status: the webhook port faces the WAN. false only where nothing else can reach the listener (listen.host 127.0.0.1)."
        ),
        ConfigurationKey(
            "triggers",
            service: \.triggers,
            allowed: .nonEmpty,
            "Alertmanager matchers; an alert matching any of them means on-prem is down and drives failover."
        ),
        ConfigurationKey(
            "prewarm_triggers",
            service: \.prewarmTriggers,
            "Matchers for a fast, unconfirmed sign (one failed scrape): the cloud copy starts at once, HAProxy still decides routing."
        ),
        ConfigurationKey(
            "hold_down_seconds",
            service: \.holdDown,
            flag: "hold-down-seconds",
            allowed: .nonNegative,
            reloadable: true,
            "Time with no firing trigger before the cloud copy stops."
        ),
        ConfigurationKey(
            "prewarm_hold_down_seconds",
            service: \.prewarmHoldDown,
            allowed: .nonNegative,
            reloadable: true,
            "Hold-down instead of hold_down_seconds (and at most it) when only pre-warm triggers fired: a lost scrape."
        ),
        ConfigurationKey(
            "stop_budget.max_stops",
            service: \.maximumStopsPerWindow,
            allowed: .atLeast(1),
            reloadable: true,
            "At most this many stops per window."
        ),
        ConfigurationKey(
            "stop_budget.window_seconds",
            service: \.stopBudgetWindow,
            allowed: .positive,
            reloadable: true,
            "The window the stop budget counts over."
        ),
        ConfigurationKey(
            "max_tracked_alerts",
            service: \.maximumTrackedAlerts,
            allowed: .atLeast(1),
            reloadable: true,
            "Most trigger alerts (fingerprints) tracked at once; notices for new ones beyond it get 422 and are counted as over_capacity."
        ),
        ConfigurationKey(
            "reconcile_interval_seconds",
            \.reconcileInterval,
            allowed: .positive,
            "Time between safety-net reconcile passes (Docker's events and the hold-down's end wake it sooner)."
        ),
        ConfigurationKey(
            "max_backoff_seconds",
            \.maximumBackoff,
            allowed: .positive,
            "Longest wait between reconcile passes while the runtime fails, and between starts of a cloud copy that keeps exiting right after it starts."
        ),
        ConfigurationKey(
            "reply_deadline_seconds",
            \.replyDeadline,
            allowed: .between(.zero, .seconds(10)),
            "Longest a webhook waits for the runtime before a 503; below Alertmanager's 10 s timeout."
        ),
        ConfigurationKey(
            "ready_timeout_seconds",
            service: \.readyTimeout,
            allowed: .positive,
            "Longest a start waits for the cloud copy to run and be healthy."
        ),
        ConfigurationKey("max_body_bytes", \.maximumBodyBytes, allowed: .atLeast(1024), "Largest accepted webhook body (413 above)."),
        ConfigurationKey(
            "max_connections",
            \.maximumConnections,
            allowed: .atLeast(16),
            "Most open client connections; more wait in the listen backlog (keep below LimitNOFILE)."
        ),
        ConfigurationKey(
            "request_timeout_seconds",
            \.requestTimeout,
            allowed: .positive,
            "Longest a client may take to send a whole request (from connecting or its last response); slower ones are closed."
        ),
        ConfigurationKey("docker.socket", \.dockerSocket, allowed: .nonEmpty, "Docker Engine API unix socket."),
        ConfigurationKey(
            "docker.events",
            \.followRuntimeEvents,
            "Follow Docker's events so a cloud copy that dies is restarted at once; off where a socket proxy denies /events."
        ),
        ConfigurationKey(
            "alertmanager.urls",
            \.alertmanager.urls,
            "Alertmanager peers whose API v2 failoverd asks which triggers are active, correcting lost or late webhooks; empty: webhooks only."
        ),
        ConfigurationKey(
            "alertmanager.interval_seconds",
            \.alertmanager.interval,
            allowed: .positive,
            "Time between questions to Alertmanager; bounds how long a lost resolve or firing goes unnoticed."
        ),
        ConfigurationKey(
            "alertmanager.timeout_seconds",
            \.alertmanager.timeout,
            allowed: .positive,
            "Longest one peer may take to answer a whole question (status and alerts, every byte); it also bounds the question at startup."
        ),
        ConfigurationKey(
            "alertmanager.warmup_seconds",
            \.alertmanager.warmup,
            allowed: .nonNegative,
            "Uptime a peer needs before an alert it does not list counts as resolved (above Prometheus' resend delay, 1 m)."
        ),
        ConfigurationKey(
            "alertmanager.authorization.credentials_file",
            \.alertmanager.bearerCredentialsFile,
            "File with a bearer token for Alertmanager's API."
        ),
        ConfigurationKey("alertmanager.basic_auth.username", \.alertmanager.basicAuthUsername, "Basic-auth user for Alertmanager's API."),
        ConfigurationKey(
            "alertmanager.basic_auth.password_file",
            \.alertmanager.basicAuthPasswordFile,
            "File with the basic-auth password for Alertmanager's API."
        ),
        ConfigurationKey("alertmanager.tls_config.ca_file", \.alertmanager.caFile, "PEM CAs trusted for https:// Alertmanager peers."),
        ConfigurationKey("state_directory", \.stateDirectory, flag: "state-directory", allowed: .nonEmpty, "Where state.json is kept."),
        ConfigurationKey(
            "mode",
            service: \.mode,
            allowed: .anyCase,
            reloadable: true,
            "act: start, stop and prepare the cloud copy as decided. observe: decide, keep state and say in status, metrics (failoverd_would_act) and the journal what it would do and since when, but change no container (a first rollout beside the real alerts; the image is still pulled). Switching to act applies the decision at once."
        ),
        ConfigurationKey(
            "target",
            service: \.target,
            allowed: .anyCase,
            "What runs the cloud copy: one container on this host, or a Docker Swarm service scaled from 0 to swarm.replicas (this engine must be a swarm manager)."
        ),
        ConfigurationKey(
            "swarm.replicas",
            service: \.swarmReplicas,
            allowed: .atLeast(1),
            "Replicas of the Swarm service while failed over; failover completes when all run (and are healthy, with a HEALTHCHECK)."
        ),
        ConfigurationKey(
            "swarm.managers",
            service: \.swarmManagers,
            "Docker sockets of the swarm's other managers (unix:///path or /path), asked in order when the one in use cannot answer; empty: docker.socket alone."
        ),
        ConfigurationKey(
            "probe.url",
            service: \.probe.url,
            "On-prem's health URL that failoverd itself GETs every probe.interval_seconds; probe.failures failures in a row pre-warm the cloud copy as OnPremDownSuspected does (only Alertmanager confirms a failover; HAProxy still routes). Empty: no probe."
        ),
        ConfigurationKey(
            "probe.interval_seconds",
            service: \.probe.interval,
            allowed: .positive,
            "Time between the starts of probes (one at a time: a slower probe delays the next): the load on on-prem is one GET per interval per failoverd, and a crash (refused connections) is seen within failures × interval."
        ),
        ConfigurationKey(
            "probe.timeout_seconds",
            service: \.probe.timeout,
            allowed: .positive,
            "Longest one probe may take, connecting included; slower counts as failed, so a hang is seen within failures × timeout. It crosses the WAN: the default is 2 × 1.25 × RTT + 0.25 s (a retransmitted packet and the server's time) for a 50 ms round trip; `failoverd wan-timings RTT_MS` prints it for yours."
        ),
        ConfigurationKey("probe.failures", service: \.probe.failures, allowed: .atLeast(1), "Failed probes in a row that pre-warm the cloud copy."),
        ConfigurationKey(
            "container.name",
            service: \.container.name,
            allowed: .nonEmpty,
            "Name of the cloud container (of the Swarm service, with target swarm)."
        ),
        ConfigurationKey(
            "container.image",
            service: \.container.image,
            allowed: .nonEmpty,
            "Image of the cloud copy: a local name (onprem-api:latest) or a registry's, by tag or pinned (registry/app@sha256:…); required. Never pulled on failover."
        ),
        ConfigurationKey(
            "container.pull",
            service: \.imagePull.policy,
            allowed: .anyCase,
            "When failoverd pulls the image: never (it must be on the host), missing (when it is not), always (at every failoverd start, following a moved tag). Pulls happen at startup, never on failover; the standby is made once the image is there."
        ),
        ConfigurationKey(
            "container.registry_auth_file",
            service: \.imagePull.registryAuthFile,
            "File with the registry's credentials as JSON {\"username\": …, \"password\": …} (ECR: AWS and the token, refreshed by the host), read at every pull; not readable by other users. Unset: anonymous pulls."
        ),
        ConfigurationKey(
            "container.pull_timeout_seconds",
            service: \.imagePull.timeout,
            allowed: .positive,
            "Longest one pull may take; a failed or slow pull is tried again with back-off."
        ),
        ConfigurationKey(
            "container.env",
            service: \.container.environment,
            redaction: .valuesOfAssignments,
            "Environment as NAME=value; check-config shows the names only. Not for secrets: docker inspect shows every value (use container.secrets)."
        ),
        ConfigurationKey(
            "container.env_file",
            service: \.container.environmentFile,
            "A file of NAME=value lines (# comments) on the cloud host, read each time the copy is made, not readable by other users; container.env wins for a name both set."
        ),
        ConfigurationKey(
            "container.secrets",
            service: \.container.secrets,
            "Secrets by name, each a file on the cloud host that other users cannot read: delivered as /run/secrets/NAME, mode 0400, owned by the container's user (Swarm: a Docker secret); read again at every start, never put in the environment."
        ),
        ConfigurationKey(
            "container.command",
            service: \.container.command,
            "The command (the image's CMD when empty), as a list: [httpd, -f, -p, \"8080\"]."
        ),
        ConfigurationKey(
            "container.entrypoint",
            service: \.container.entrypoint,
            "The entrypoint (the image's when empty), as a list."
        ),
        ConfigurationKey(
            "container.user",
            service: \.container.user,
            "user, uid, user:group or uid:gid the copy runs as (the image's USER when empty)."
        ),
        ConfigurationKey("container.working_dir", service: \.container.workingDirectory, "Working directory (the image's when empty)."),
        ConfigurationKey(
            "container.volumes",
            service: \.container.volumes,
            "Mounts as /host/path:/target[:ro] (a bind; the host path must exist) or name:/target[:ro] (a Docker volume)."
        ),
        ConfigurationKey("container.memory", service: \.container.memoryLimit, "Memory limit (512m, 2g); 0: none."),
        ConfigurationKey("container.cpus", service: \.container.cpus, allowed: .atLeast(0), "CPU limit in CPUs (1.5); 0: none."),
        ConfigurationKey(
            "container.log.driver",
            service: \.container.log.driver,
            "Docker log driver (json-file, local, journald); empty: dockerd's default."
        ),
        ConfigurationKey(
            "container.log.options",
            service: \.container.log.options,
            "The log driver's options, e.g. {max-size: 10m, max-file: \"3\"}."
        ),
        ConfigurationKey(
            "container.healthcheck.test",
            service: \.container.healthCheck.test,
            "A health check of the configuration's own, overriding the image's: [CMD, exe, args…], [CMD-SHELL, \"command\"], or [NONE] to switch the image's off; empty keeps the image's. The copy counts as running only once healthy."
        ),
        ConfigurationKey(
            "container.healthcheck.interval_seconds",
            service: \.container.healthCheck.interval,
            allowed: .positive,
            "Time between health checks; the first passing one ends a failover's start, so keep it short."
        ),
        ConfigurationKey(
            "container.healthcheck.timeout_seconds",
            service: \.container.healthCheck.timeout,
            allowed: .positive,
            "Longest one health check may take."
        ),
        ConfigurationKey(
            "container.healthcheck.retries",
            service: \.container.healthCheck.retries,
            allowed: .atLeast(1),
            "Failed health checks in a row that make the copy unhealthy."
        ),
        ConfigurationKey(
            "container.healthcheck.start_period_seconds",
            service: \.container.healthCheck.startPeriod,
            allowed: .nonNegative,
            "Time after a start in which failed health checks do not count."
        ),
        ConfigurationKey("container.labels", service: \.container.labels, "Extra container labels."),
        ConfigurationKey(
            "container.network_mode",
            service: \.container.networkMode,
            allowed: .nonEmpty,
            "Docker network mode (host, bridge, none, a network)."
        ),
        ConfigurationKey(
            "container.ports",
            service: \.container.ports,
            "Port publications [IP:]HOSTPORT:CONTAINERPORT[/udp], with bridge networking or a network's (refused with host networking, where the copy binds the host's ports itself)."
        ),
        ConfigurationKey(
            "container.stop_timeout_seconds",
            service: \.container.stopTimeoutSeconds,
            allowed: .atLeast(0),
            "Seconds Docker waits after SIGTERM before SIGKILL."
        ),
    ]

    /// The table of keys in docs/configuration.md, generated so it cannot drift from the code.
    public static func keyReference() -> String {
        let defaults = FailoverdConfiguration()
        var lines = [
            "| key | env | flag | type | default | allowed | on SIGHUP | per service | meaning |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for key in keys {
            let cells = [
                "`\(key.path)`", "`\(key.environmentName)`", key.flag.map { "`--\($0)`" } ?? "", key.typeName,
                "`\(key.defaultText(in: defaults))`", key.allowed, key.reloadable ? "applied" : "restart",
                key.perService ? "yes" : "", key.summary,
            ]
            lines.append("| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}

extension FailoverdConfiguration {
    /// The configuration flags for `--help`, e.g. `--port (listen.port)`.
    public static var flagSummary: String {
        keys.compactMap { key in key.flag.map { "--\($0) (\(key.path))" } }.joined(separator: ", ")
    }
}
