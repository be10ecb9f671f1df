#!/usr/bin/env python3
"""Whether egress rules cover every address a configuration calls.

usage: egress_check.py RULES_JSON URL...
RULES_JSON: the egress module's rules as terraform console prints jsonencode(local.rules)
({"CIDR PORT": {"cidr", "port", "description"}}). Each URL (http(s)://host[:port]/..., or a
registry host[:port] written as registry://host[:port]) must have a rule whose CIDR holds its host
(an IPv4 address), or, for a DNS name, a rule to 0.0.0.0/0 on its port. Exits 1 naming the first
URL without one.
"""
import ipaddress
import json
import sys
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "registry": 443}


def covered(rules, url):
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        address = None
    for rule in rules.values():
        if rule["port"] != port:
            continue
        network = ipaddress.ip_network(rule["cidr"])
        if (address is not None and address in network) or (address is None and network.prefixlen == 0):
            return True
    return False


def main():
    rules = json.loads(sys.argv[1])
    for url in sys.argv[2:]:
        if not covered(rules, url):
            sys.exit(f"no egress rule for {url}: rules are {sorted(rules)}")


if __name__ == "__main__":
    main()
