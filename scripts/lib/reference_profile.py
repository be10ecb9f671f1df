#!/usr/bin/env python3
"""Turns a lab run's copies of the shipped configs into the well-known reference setup's timings
(scrape 15 s, rule evaluation 1 m, for: 15s, group_wait 10 s, HAProxy inter 2 s fall 3, no
retries beyond 2, no held request): what scripts/lab.sh --profile reference compares against.
Each edit must find the text it replaces, so a changed shipped file fails loudly.

    reference_profile.py WORK
"""
import sys


def edit(path, *subs):
    text = open(path).read()
    for old, new in subs:
        assert old in text, (path, old)
        text = text.replace(old, new)
    open(path, "w").write(text)


work = sys.argv[1]
edit(f"{work}/prometheus/prometheus.yml", ("scrape_interval: 1s\n    scrape_timeout: 800ms", "scrape_interval: 15s\n    scrape_timeout: 10s"))
edit(f"{work}/prometheus/rules/failover.yml", ("interval: 1s", "interval: 1m"), ("for: 3s", "for: 15s"))
edit(f"{work}/alertmanager.yml", ("group_wait: 0s\n      group_interval: 1s", "group_wait: 10s\n      group_interval: 5s"))
edit(f"{work}/haproxy.cfg", ("check inter 250ms fastinter 100ms downinter 500ms fall 2 rise 2", "check inter 2s fall 3 rise 2"), ("backup rise 1", "backup"),
     ("retries 12", "retries 2"), ("timeout connect 250ms", "timeout connect 1s"), ("timeout check 200ms", "timeout check 1s"),
     (" observe layer4 error-limit 2 on-error mark-down", ""), ('    server cloud-hold "${CLOUD_ADDR}" backup no-check\n', ""),
     ('    http-request set-timeout server "${HAPROXY_IDEMPOTENT_TIMEOUT-400ms}" if METH_GET || METH_HEAD || METH_OPTIONS\n', ""),
     ("    option http-server-close\n", ""))
