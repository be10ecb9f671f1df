#!/usr/bin/env bash
# Every shipped ops config checked by its own tool, and the alert rules unit-tested.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. scripts/tests/lib.sh

tls=$(mktemp -d)
tls_identities "$tls"
haproxy_env=(HAPROXY_BIND=127.0.0.1:18000 HAPROXY_METRICS_BIND=127.0.0.1:18405 ONPREM_ADDR=127.0.0.1:18080
    CLOUD_ADDR=127.0.0.1:18081 HAPROXY_STATS_SOCKET=/tmp/haproxy-check.sock CLOUD_CA_FILE="$tls/server.pem" CLOUD_CLIENT_CERT="$tls/client.pem")
check "haproxy -c accepts haproxy/haproxy.cfg" env "${haproxy_env[@]}" haproxy -c -f haproxy/haproxy.cfg
check "haproxy -c accepts it with a multi-node cloud copy's CLOUD_ADDR_2 and CLOUD_ADDR_3" \
    env "${haproxy_env[@]}" CLOUD_ADDR_2=127.0.0.1:18082 CLOUD_ADDR_3=127.0.0.1:18083 haproxy -c -f haproxy/haproxy.cfg
check "haproxy -c rejects a CLOUD_ADDR_2 that is set but empty" bash -c "! env ${haproxy_env[*]} CLOUD_ADDR_2= haproxy -c -f haproxy/haproxy.cfg 2>/dev/null"
check "haproxy -c rejects the file without the cloud copy's TLS files, unless plain HTTP is asked for by name" \
    bash -c "! env ${haproxy_env[*]:0:5} haproxy -c -f haproxy/haproxy.cfg 2>/dev/null && env ${haproxy_env[*]:0:5} CLOUD_PLAIN_HTTP=1 haproxy -c -q -f haproxy/haproxy.cfg"
check "haproxy -c rejects the file when an address variable is missing" \
    bash -c "! env ${haproxy_env[*]:0:3} HAPROXY_STATS_SOCKET=/tmp/x.sock CLOUD_ADDR= haproxy -c -f haproxy/haproxy.cfg"
# The WAN timings: haproxy.cfg's defaults are `failoverd wan-timings 50`'s, and HAProxy takes the
# values it prints for any round trip (docs/failover-speed.md, "Across a WAN").
failoverd_bin=$(failoverd_binary)
shipped_defaults_are_50_ms() {  # each variable's default in haproxy.cfg (${NAME-DEFAULT}) is the 50 ms value
    local name value defaults status=0
    while IFS='=' read -r name value; do
        defaults=$(grep -o "\${$name-[^}]*}" haproxy/haproxy.cfg | sort -u)
        [ "$defaults" = "\${$name-$value}" ] || { echo "$name: haproxy.cfg says '$defaults', failoverd wan-timings 50 '$value'"; status=1; }
    done < <("$failoverd_bin" wan-timings 50 | grep -v -e '^#' -e '^FAILOVERD_')
    return $status
}
check "haproxy.cfg's defaults are the WAN timings for a 50 ms round trip (failoverd wan-timings 50)" shipped_defaults_are_50_ms
wan_200=$(mktemp)
"$failoverd_bin" wan-timings 200 --haproxy-at cloud-host | grep -v '^#' >"$wan_200"
check "haproxy -c accepts the timings failoverd wan-timings prints for a 200 ms round trip" \
    bash -c "env ${haproxy_env[*]} \$(cat '$wan_200') haproxy -c -q -f haproxy/haproxy.cfg"
rm -f "$wan_200"
check "docs/failover-speed.md's table of WAN timings is failoverd wan-timings --markdown 10 50 100 200" \
    bash -c "grep -qxF -f <('$failoverd_bin' wan-timings --markdown 10 50 100 200) docs/failover-speed.md && \
        [ \$(grep -cxF -f <('$failoverd_bin' wan-timings --markdown 10 50 100 200) docs/failover-speed.md) = 7 ]"

# Beside the token its failoverd job sends (docs/deploy.md, step 5), which promtool wants to exist.
promtool_beside_a_token() {
    local directory
    directory=$(mktemp -d)
    cp -r prometheus/prometheus.yml prometheus/rules "$directory/" && new_token "$directory/failoverd-token" &&
        cp "$tls/client.crt" "$directory/cloud-client.crt" && cp "$tls/client.key" "$directory/cloud-client.key" &&
        promtool check config "$directory/prometheus.yml"
    local status=$?
    rm -rf "$directory"
    return $status
}
check "promtool check config accepts prometheus/prometheus.yml (beside failoverd's token)" promtool_beside_a_token
check "promtool check rules --lint-fatal accepts every rule file (no duplicate rules)" promtool check rules --lint-fatal prometheus/rules/failover.yml prometheus/rules/slo.yml
check "promtool test rules: failover alerts" promtool test rules prometheus/tests/failover_test.yml
check "promtool test rules: SLO recording rules and burn-rate alerts" promtool test rules prometheus/tests/slo_test.yml
check "the Grafana dashboard provisions from a file: its data source is a dashboard variable, not an import-only \${DS_...} input" \
    python3 scripts/lib/dashboard_check.py --dashboard prometheus/grafana/failover-kit.json --structure-only
import_only=$(mktemp)
sed 's/\${datasource}/${DS_PROMETHEUS}/' prometheus/grafana/failover-kit.json >"$import_only"
check "  ... a copy whose panels name the import-only \${DS_PROMETHEUS} is refused (the check can fail)" \
    bash -c "! python3 scripts/lib/dashboard_check.py --dashboard '$import_only' --structure-only"
rm -f "$import_only"
check "amtool check-config accepts prometheus/alertmanager.yml" amtool check-config prometheus/alertmanager.yml

route() {  # route "expected,receivers" label=value...
    local expected=$1; shift
    amtool config routes test --config.file=prometheus/alertmanager.yml --verify.receivers="$expected" "$@"
}
check "OnPremDown reaches failoverd and pages people (continue: true)" route failoverd,people-page alertname=OnPremDown severity=page site=dc1
check "the pre-warm alert OnPremDownSuspected reaches only failoverd (it pages no one)" \
    route failoverd alertname=OnPremDownSuspected severity=info failover=prewarm site=dc1
check "the Watchdog reaches only the dead man's switch" route deadmans-switch alertname=Watchdog severity=none
check "CloudCopyDown pages people, not failoverd" route people-page alertname=CloudCopyDown severity=page
check "a slow error-budget burn opens a ticket" route people-ticket alertname=APIErrorBudgetBurnSlow severity=ticket slo=api-availability
check "an unknown alert falls back to the ticket queue" route people-ticket alertname=SomethingNew
check "FailedOver opens a ticket" route people-ticket alertname=FailedOver severity=ticket
check "OnPremStillDownAfterFailover pages people" route people-page alertname=OnPremStillDownAfterFailover severity=page
check "FailoverdCannotReachDocker pages people" route people-page alertname=FailoverdCannotReachDocker severity=page
check "every alert has a runbook_url whose anchor is a heading of the runbook (docs/operate.md)" python3 scripts/lib/runbook_links.py
check "every relative link in README.md, BENCHMARKS.md and docs/ resolves, its anchor a heading there" python3 scripts/lib/doc_links.py
check "a misrouted expectation is caught (the checker can fail)" bash -c "! amtool config routes test --config.file=prometheus/alertmanager.yml --verify.receivers=people-ticket alertname=OnPremDown severity=page"

# Every code block of the README and the docs split from it is what someone copies: each is
# checked by the tool that reads it, built from the shipped files it belongs in
# (scripts/lib/readme_snippets.py).
snippets() { python3 scripts/lib/readme_snippets.py "$@"; }
readme=$(mktemp -d)
check "every code block of the README and docs is of a kind a check below reads (sh, the receiver, target files, text)" snippets kinds
snippets sh "$readme/sh"
check "every sh block in the README and docs parses (bash -n)" bash -c "for f in '$readme'/sh/*.sh; do bash -n \"\$f\" || exit 1; done"
snippets alertmanager >"$readme/alertmanager.yml"
check "Deploy step 3: alertmanager.yml with the deploy steps' receiver loads (amtool check-config)" amtool check-config "$readme/alertmanager.yml"
check "  ... and routes OnPremDown to failoverd and people, as the deploy steps' routes test says" \
    amtool config routes test --config.file="$readme/alertmanager.yml" --verify.receivers=failoverd,people-page alertname=OnPremDown severity=page
check "  ... the receiver pins the cloud host's certificate (tls_config.ca_file)" grep -q "ca_file: /etc/alertmanager/failoverd-ca.pem" "$readme/alertmanager.yml"
check "  ... and is what terraform output alertmanager_receiver prints" snippets receiver-matches-terraform
# shellcheck disable=SC2046 # one NAME=value word per line of the deploy steps' block
haproxy_with_readme_env() {  # the deploy steps' TLS files where they put them, made here
    cp "$tls/server.pem" "$readme/failoverd-ca.pem" && cp "$tls/client.pem" "$readme/cloud-client.pem" &&
        env -i PATH="$PATH" $(snippets haproxy-env | sed "s|/etc/haproxy/|$readme/|") haproxy -c -f haproxy/haproxy.cfg
}
check "Deploy step 4: haproxy -c accepts haproxy.cfg with the deploy steps' /etc/default/haproxy" haproxy_with_readme_env
mkdir -p "$readme/prometheus"
check "Deploy step 5: the deploy steps' target files are the ones prometheus.yml reads" snippets prometheus "$readme/prometheus"
check "  ... and promtool check config accepts prometheus.yml with them" promtool check config "$readme/prometheus/prometheus.yml"
new_token "$readme/token"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=readme \
    -keyout "$readme/key.pem" -out "$readme/cert.pem" 2>/dev/null
snippets failoverd-config "$readme/token" "$readme/cert.pem" "$readme/key.pem" >"$readme/failoverd.yml"
check "Several services: the configuration reference's failoverd.yml passes failoverd check-config" \
    bash -o pipefail -c "'$failoverd_bin' check-config --config '$readme/failoverd.yml' | grep -c '^- name: workers'"
rm -rf "$readme"

# systemd unit: verified on this host's unit set; the only change to the shipped file is ExecStart
# pointing at the freshly built binary instead of /usr/bin (where the package installs it). Its
# Documentation= man page is generated as the package does, so verify's man check finds it.
unit_dir=$(mktemp -d)
sed "s|/usr/bin/failoverd|$(swift build --show-bin-path)/failoverd|" systemd/failoverd.service >"$unit_dir/failoverd.service"
for helper in registry-login settings state-backup; do
    sed "s|/usr/lib/failoverd/\([a-z-]*\)|$PWD/packaging/failoverd/\1|" "systemd/failoverd-$helper.service" >"$unit_dir/failoverd-$helper.service"
done
cp systemd/failoverd-state-backup.path systemd/failoverd-settings.timer systemd/failoverd-registry-login.timer systemd/failoverd-docker-proxy.service systemd/failoverd-metadata-guard.service \
    systemd/failoverd-gateway.service "$unit_dir/"
mkdir -p "$unit_dir/man/man8"
swift build --product generate-manual >/dev/null 2>&1 &&
    "$(swift build --show-bin-path)/generate-manual" "$failoverd_bin" --section 8 -o "$unit_dir/man/man8" >/dev/null
check "systemd-analyze verify finds nothing wrong with systemd/failoverd.service (its man page included)" \
    bash -c "out=\$(MANPATH='$unit_dir/man' systemd-analyze verify '$unit_dir/failoverd.service' 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
check "  ... nor with the Docker socket proxy's unit, the metadata guard's and the TLS gateway's" \
    bash -c "out=\$(MANPATH='$unit_dir/man' systemd-analyze verify '$unit_dir/failoverd-docker-proxy.service' '$unit_dir/failoverd-metadata-guard.service' '$unit_dir/failoverd-gateway.service' 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
check "haproxy -c accepts the cloud gateway's configuration" \
    env GATEWAY_BIND=127.0.0.1:18443 GATEWAY_CERT="$tls/gateway.pem" GATEWAY_CLIENT_CA="$tls/client-ca.pem" COPY_ADDR=127.0.0.1:18080 \
        haproxy -c -q -f haproxy/cloud-gateway.cfg
check "nft -c accepts the metadata guard's rules" nft -c -f nftables/metadata-guard.nft
check "haproxy -c accepts the Docker socket proxy's configuration" \
    env DOCKER_SOCKET=/var/run/docker.sock PROXY_SOCKET=/tmp/proxy-check.sock PROXY_SOCKET_GROUP=root haproxy -c -q -f haproxy/docker-socket-proxy.cfg
check "  ... nor with the registry login's service and timer, the settings applier's and the state backup's" \
    bash -c "out=\$(MANPATH='$unit_dir/man' systemd-analyze verify '$unit_dir/failoverd-registry-login.service' '$unit_dir/failoverd-registry-login.timer' '$unit_dir/failoverd-settings.service' '$unit_dir/failoverd-settings.timer' '$unit_dir/failoverd-state-backup.service' '$unit_dir/failoverd-state-backup.path' 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
rm -rf "$unit_dir"
check "systemd-analyze security --offline rates the unit's exposure at most 2.0" \
    bash -o pipefail -c "systemd-analyze security --offline=true --threshold=20 systemd/failoverd.service | tail -1 | tee /dev/stderr | grep -c 'Overall exposure level for failoverd.service: [01]\.[0-9]\|Overall exposure level for failoverd.service: 2\.0 '"

check "systemd-analyze security --offline rates the TLS gateway's exposure at most 2.0" \
    bash -o pipefail -c "systemd-analyze security --offline=true --threshold=20 systemd/failoverd-gateway.service | tail -1 | tee /dev/stderr | grep -c 'Overall exposure level for failoverd-gateway.service: [01]\.[0-9]\|Overall exposure level for failoverd-gateway.service: 2\.0 '"
check "systemd-analyze security --offline rates the socket proxy's exposure at most 2.0" \
    bash -o pipefail -c "systemd-analyze security --offline=true --threshold=20 systemd/failoverd-docker-proxy.service | tail -1 | tee /dev/stderr | grep -c 'Overall exposure level for failoverd-docker-proxy.service: [01]\.[0-9]\|Overall exposure level for failoverd-docker-proxy.service: 2\.0 '"

rm -rf "$tls"
finish
