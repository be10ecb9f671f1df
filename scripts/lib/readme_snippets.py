#!/usr/bin/env python3
"""The code blocks of README.md and the pages of docs/ that a deploy copies from, handed to the tools
that check them (scripts/tests/test_configs.sh).

    readme_snippets.py kinds                 every block is of a kind some check reads; prints the counts
    readme_snippets.py sh DIR                writes each sh block to DIR/NN.sh (for bash -n)
    readme_snippets.py haproxy-env           the /etc/default/haproxy block, as NAME=value lines
    readme_snippets.py alertmanager          prometheus/alertmanager.yml with its failoverd receiver
                                             replaced by the docs'
    readme_snippets.py receiver-matches-terraform
                                             the docs' receiver is what terraform/outputs.tf prints
    readme_snippets.py prometheus DIR        prometheus/prometheus.yml, its rules and the docs'
                                             target files (```json targets/NAME.json) laid out in DIR
    readme_snippets.py test-alert            the docs' two amtool commands (fire, then resolve),
                                             one per line
    readme_snippets.py failoverd-config TOKEN CERT KEY
                                             the docs' failoverd.yml with its token, certificate
                                             and key files at the given paths

Kinds: text (diagrams and sample output, not checked), sh, yaml (the failoverd receiver, or
```yaml failoverd.yml), json with the target file's path after the language.
"""
import json
import os
import re
import shutil
import sys

README = "README.md"
DOCUMENTS = [README, *(f"docs/{page}.md" for page in
                       ("deploy", "operate", "security", "limitations", "configuration", "failover-speed", "failure-modes", "development"))]


def blocks():
    """(info string, body) of every fenced block, in order."""
    return [block for path in DOCUMENTS for block in re.findall(r"^```([^\n]*)\n(.*?)^```$", open(path).read(), re.S | re.M)]


def by_kind(kind):
    return [(info, body) for info, body in blocks() if info.split(" ")[0] == kind]


def the(kind, predicate, what):
    found = [body for info, body in by_kind(kind) if predicate(info, body)]
    if len(found) != 1:
        sys.exit(f"expected one {what} in {', '.join(DOCUMENTS)}, found {len(found)}")
    return found[0]


def receiver():
    return the("yaml", lambda _, body: body.startswith("- name: failoverd"), "failoverd receiver (```yaml)")


def failoverd_config(token, certificate, key):
    body = the("yaml", lambda info, _: info == "yaml failoverd.yml", "failoverd configuration (```yaml failoverd.yml)")
    for shipped, given in [("/etc/failoverd/webhook-token", token), ("/etc/failoverd/tls/failoverd.crt", certificate),
                           ("/etc/failoverd/tls/failoverd.key", key)]:
        if shipped not in body:
            sys.exit(f"docs/configuration.md's failoverd.yml no longer names {shipped}")
        body = body.replace(shipped, given)
    print(body, end="")


def indent(text, spaces):
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(True))


def kinds():
    counts = {}
    for info, body in blocks():
        kind = info.split(" ")[0]
        counts[kind] = counts.get(kind, 0) + 1
        known = kind in ("text", "sh") or (kind == "yaml" and (body.startswith("- name: failoverd") or info == "yaml failoverd.yml")) or (
            kind == "json" and re.fullmatch(r"json targets/[a-z-]+\.json", info))
        if not known:
            sys.exit(f"a ```{info} block no check reads; give it a kind (text, sh, json targets/NAME.json):\n{body[:200]}")
    print(counts)


def write_sh(directory):
    os.makedirs(directory, exist_ok=True)
    for number, (_, body) in enumerate(by_kind("sh")):
        open(f"{directory}/{number:02d}.sh", "w").write(body)


def haproxy_env():
    body = the("sh", lambda _, body: body.startswith("# /etc/default/haproxy"), "/etc/default/haproxy block")
    print("\n".join(line for line in body.splitlines() if re.match(r"[A-Z_]+=", line)))


def alertmanager():
    shipped = open("prometheus/alertmanager.yml").read()
    start = shipped.index("  - name: failoverd\n")
    end = shipped.index("  - name: ", start + 1)
    print(shipped[:start] + indent(receiver(), 2) + shipped[end:], end="")


def receiver_matches_terraform():
    outputs = open("terraform/outputs.tf").read()
    heredoc = re.search(r'output "alertmanager_receiver".*?<<-EOT\n(.*?)\n\s*EOT', outputs, re.S).group(1)
    rendered = "\n".join(line[4:] for line in heredoc.splitlines())
    rendered = rendered.replace("${aws_eip.failoverd.public_ip}", "203.0.113.20").replace("${var.webhook_port}", "9095")
    if rendered.strip() != receiver().strip():
        sys.exit(f"docs/deploy.md's receiver differs from terraform output alertmanager_receiver:\n{rendered}\n---\n{receiver()}")


def prometheus(directory):
    shutil.copy("prometheus/prometheus.yml", directory)
    # The token failoverd's /metrics asks for, and the certificate the cloud copy's gateway asks
    # for, as docs/deploy.md's step 5 puts them next to the file (promtool wants them to exist).
    open(f"{directory}/failoverd-token", "w").write("readme-token-0123456789abcdef\n")
    for name in ("cloud-client.crt", "cloud-client.key"):
        open(f"{directory}/{name}", "w").write("")
    shutil.copytree("prometheus/rules", f"{directory}/rules", dirs_exist_ok=True)
    os.makedirs(f"{directory}/targets", exist_ok=True)
    names = set()
    for info, body in by_kind("json"):
        name = info.split(" ")[1]
        json.loads(body)  # promtool reports the file; this names the block
        open(f"{directory}/{name}", "w").write(body)
        names.add(name)
    wanted = set(re.findall(r"files: \[(targets/[a-z-]+\.json)\]", open("prometheus/prometheus.yml").read()))
    if names != wanted:
        sys.exit(f"docs/deploy.md's target files {sorted(names)} are not the ones prometheus.yml reads: {sorted(wanted)}")


def test_alert():
    body = the("sh", lambda _, body: "amtool --alertmanager.url" in body, "test alert block (amtool alert add)")
    commands = [line for line in body.replace("\\\n", " ").splitlines() if line.startswith("amtool ")]
    if len(commands) != 2:
        sys.exit(f"expected two amtool commands (fire, resolve), found {len(commands)}")
    print("\n".join(re.sub(r"\s+", " ", command) for command in commands))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"kinds": kinds, "sh": write_sh, "haproxy-env": haproxy_env, "alertmanager": alertmanager,
     "receiver-matches-terraform": receiver_matches_terraform, "prometheus": prometheus,
     "test-alert": test_alert, "failoverd-config": failoverd_config}[command](*args)
