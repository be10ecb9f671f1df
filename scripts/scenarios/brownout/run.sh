# shellcheck shell=bash
# onprem-api's fault injection (PUT /brownout) for at least 20 s.
scenario_run() {
    local seconds=$((LAB_DOWN_SECONDS > 20 ? LAB_DOWN_SECONDS : 20))
    say "on-prem browns out for $seconds s: 30 % of answers are 500s, every answer 300 ms late (PUT /brownout)"
    outage_began
    curl -fsS -X PUT "http://127.0.0.1:$LAB_ONPREM_PORT/brownout?failure_rate=0.3&delay_ms=300" >/dev/null
    sleep "$seconds"
    outage_ended
    curl -fsS -X PUT "http://127.0.0.1:$LAB_ONPREM_PORT/brownout?failure_rate=0&delay_ms=0" >/dev/null
    say "brownout over"
}
