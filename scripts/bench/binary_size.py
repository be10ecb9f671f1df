#!/usr/bin/env python3
"""What each part of a linked binary costs: reads GNU ld's map (-Xlinker -Map=FILE) and prints the
loaded bytes (code, data, metadata; not debug info) per origin, largest first: each Swift package
module of the build, each static library of the toolchain (the Swift runtime, Foundation, ICU...).

Usage: binary_size.py MAP [--top N]
"""
import argparse
import collections
import re
import sys

# An input section: " .name 0xADDR 0xSIZE file", or its name alone on one line and the rest on the next.
PLACED = re.compile(r"^ (\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$")
NAME_ONLY = re.compile(r"^ (\S+)$")
NOT_LOADED = (".debug", ".comment", ".note.GNU-stack", ".gnu_debuglink", ".symtab", ".strtab")


def origin(path):
    """The module or library an input file belongs to."""
    archive = re.match(r"^(.*/)?lib([^/]+)\.a\(", path)
    if archive:
        return "lib" + archive.group(2) + ".a"
    module = re.search(r"/([^/]+)\.build/", path)
    if module:
        return module.group(1)
    return path.rsplit("/", 1)[-1]


def sizes(lines):
    totals = collections.Counter()
    in_map = False
    pending = None
    for line in lines:
        if line.startswith("Memory map") or line.startswith("Linker script and memory map"):
            in_map = True
            continue
        if line.startswith("Cross Reference Table"):
            break
        if not in_map:
            continue
        line = line.rstrip("\n")
        placed = PLACED.match(line)
        if placed:
            section = placed.group(1) or pending
            pending = None
            if section and not section.startswith(NOT_LOADED):
                totals[origin(placed.group(3).strip())] += int(placed.group(2), 16)
            continue
        named = NAME_ONLY.match(line)
        pending = named.group(1) if named else None
    return totals


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("map")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with open(args.map, errors="replace") as handle:
        totals = sizes(handle)
    if not totals:
        sys.exit(f"{args.map}: no input sections found; is it a GNU ld map?")
    whole = sum(totals.values())
    print(f"{whole / 2**20:8.1f} MiB loaded, by origin:")
    for name, size in totals.most_common(args.top):
        print(f"{size / 2**20:8.2f} MiB  {100 * size / whole:5.1f} %  {name}")


if __name__ == "__main__":
    main()
