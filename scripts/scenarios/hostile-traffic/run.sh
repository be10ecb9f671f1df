# shellcheck shell=bash
scenario_run() {
    say "hostile webhooks (junk, oversized, wrong tokens, duplicate bursts) hit failoverd from now until failback"
    $cloud_host_run python3 scripts/lib/hostile_webhooks.py --url "$failoverd_scheme://127.0.0.1:$failoverd_port/failover" \
        --token-file "$work/token" --ca-file "$work/tls/server.pem" --out "$work/hostile.json" &
    local hostile=$!
    sleep 2
    outage || true
    kill -TERM "$hostile"; wait "$hostile" || true
    note hostile_replies "$(cat "$work/hostile.json")"
}
