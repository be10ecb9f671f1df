#!/usr/bin/env python3
"""Renders a Terraform templatefile() template the way Terraform does, for tests without Terraform.

Supports what our templates use: ${name} interpolation (one pass: inserted text is not rendered
again, as in Terraform) and the $${ / %%{ escapes. Refuses %{ directives, expressions, unknown
names and unused variables, so a template Terraform would render differently fails here.

usage: render_tftpl.py TEMPLATE name=value name=@file ...
"""
import re
import sys

TOKEN = re.compile(r"\$\$\{|%%\{|\$\{([^}]*)\}|%\{")


def render(template: str, variables: dict[str, str]) -> str:
    used = set()

    def substitute(match: re.Match) -> str:
        text = match.group(0)
        if text == "$${":
            return "${"
        if text == "%%{":
            return "%{"
        if text == "%{":
            raise SystemExit("template directives (%{...}) are not supported")
        name = match.group(1).strip()
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise SystemExit(f"only plain variable names are supported, got ${{{name}}}")
        if name not in variables:
            raise SystemExit(f"template uses ${{{name}}}, which was not given")
        used.add(name)
        return variables[name]

    rendered = TOKEN.sub(substitute, template)
    unused = set(variables) - used
    if unused:
        raise SystemExit(f"variables given but not used by the template: {sorted(unused)}")
    return rendered


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as handle:
        template = handle.read()
    variables = {}
    for argument in sys.argv[2:]:
        name, _, value = argument.partition("=")
        if value.startswith("@"):
            with open(value[1:]) as handle:
                value = handle.read()
        variables[name] = value
    sys.stdout.write(render(template, variables))


if __name__ == "__main__":
    main()
