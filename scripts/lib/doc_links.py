#!/usr/bin/env python3
"""Checks that every relative link in the documentation resolves: README.md, BENCHMARKS.md and
docs/*.md, each link's file exists and its #anchor is a heading of that file (GitHub's anchor
rules). Links to http(s) are not followed (the tests stay offline). Prints the links counted and
what is wrong; exits 1 on a problem or when fewer than 20 links were found (nothing was read).

    doc_links.py     (from the repository root)
"""
import glob
import os
import re
import sys

DOCUMENTS = ["README.md", "BENCHMARKS.md", *sorted(glob.glob("docs/*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def prose(path):
    """The file's lines outside fenced code blocks."""
    lines, fenced = [], False
    for line in open(path).read().split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def slug(heading):
    """GitHub's anchor for a heading's text."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path):
    """The anchors of a Markdown file's headings; a repeated heading gets -1, -2, ... as on GitHub."""
    found, seen = set(), {}
    for line in prose(path):
        heading = re.match(r"^#+ (.*)$", line)
        if heading:
            base = slug(heading.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def problems_in(path):
    """Each broken link of one document, and how many links it has."""
    problems, count = [], 0
    for line in prose(path):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"^[a-z]+:", target):
                continue
            count += 1
            file, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
            if not os.path.exists(resolved):
                problems.append(f"{path}: {target}: no file {resolved}")
            elif anchor and (not resolved.endswith(".md") or anchor not in anchors(resolved)):
                problems.append(f"{path}: {target}: no heading #{anchor} in {resolved}")
    return problems, count


def main():
    problems, links = [], 0
    for path in DOCUMENTS:
        found, count = problems_in(path)
        problems += found
        links += count
    print(f"{links} links in {len(DOCUMENTS)} documents", *problems, sep="\n")
    return 0 if links >= 20 and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
