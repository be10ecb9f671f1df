# shellcheck shell=bash
scenario_run() {
    say "hostile webhooks (junk, oversized, wrong tokens, duplicate bursts) hit failoverd from now until failback"
    python3 scripts/lib/hostile_webhooks.py --url "http://127.0.0.1:$failoverd_port/failover" --token-file "$work/token" \
        --out "$work/hostile.json" &
    local hostile=$!
    sleep 2
    outage || true
    kill -TERM "$hostile"; wait "$hostile" || true
    note hostile_replies "$(cat "$work/hostile.json")"
}
