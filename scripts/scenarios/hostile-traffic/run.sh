# shellcheck shell=bash
scenario_run() {
    say "hostile webhooks (junk, oversized, wrong tokens, duplicate bursts) hit failoverd from now until failback"
    $LAB_CLOUD_HOST_RUN python3 scripts/lib/hostile_webhooks.py --url "$LAB_FAILOVERD_SCHEME://127.0.0.1:$LAB_FAILOVERD_PORT/failover" \
        --token-file "$LAB_WORK/token" --ca-file "$LAB_WORK/tls/server.pem" --out "$LAB_WORK/hostile.json" &
    local hostile=$!
    sleep 2
    outage || true
    kill -TERM "$hostile"; wait "$hostile" || true
    note hostile_replies "$(cat "$LAB_WORK/hostile.json")"
}
