# shellcheck shell=bash
# The hold-down is what damps flapping: shorter than an up phase plus detection (~6 s here), the
# copy is stopped just as on-prem dies again (seen with 5 s). The scenario keeps at least 10 s.
flap_seconds=60; flap_period=4
scenario_setup() { lab_hold_down_at_least 10; }
scenario_run() {
    say "on-prem flaps for $flap_seconds s: docker kill, $flap_period s down, docker start, $flap_period s up, again"
    outage_began
    local until=$((SECONDS + flap_seconds)) flaps=0
    while [ "$SECONDS" -lt "$until" ]; do
        docker kill "$LAB_ONPREM" >/dev/null; sleep "$flap_period"
        outage_ended; docker start "$LAB_ONPREM" >/dev/null; sleep "$flap_period"
        flaps=$((flaps + 1))
    done
    note onprem_flaps "$flaps"
    await_site onprem 60 && await_cloud_stopped || true
}
