#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""How two sets of captures differ in what the kernel assigned.

    oracle/compare.py OLD NEW

OLD and NEW are directories of captures (tests/oracle/), or git:REV for
tests/oracle/ at commit REV (git:HEAD, the committed ones). For every
capture and phase in both, counts the values of devices-PHASE.tsv and
resources-PHASE.tsv that differ: BDFs (functions in only one), bus
numbers (primary, secondary, subordinate of a bridge in both), bridge
windows, BARs (with the ROM) and VF BARs (the kernel's resources: start,
end or flags; one in only one side counts). Prints a Markdown table.
"""
import os
import subprocess
import sys

ORACLE = "tests/oracle"


def reader(spec):
    if spec.startswith("git:"):
        rev = spec[4:]

        def names():
            out = subprocess.run(["git", "ls-tree", "--name-only", rev,
                                  ORACLE + "/"], capture_output=True,
                                 text=True, check=True).stdout
            return sorted(os.path.basename(n) for n in out.split())

        def read(name, f):
            r = subprocess.run(["git", "show", "%s:%s/%s/%s"
                                % (rev, ORACLE, name, f)],
                               capture_output=True, text=True)
            return r.stdout if r.returncode == 0 else None
    else:
        def names():
            return sorted(n for n in os.listdir(spec)
                          if os.path.isdir(os.path.join(spec, n)))

        def read(name, f):
            p = os.path.join(spec, name, f)
            return open(p).read() if os.path.exists(p) else None
    return names, read


def rows(text):
    lines = text.splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, line.split("\t"))) for line in lines[1:] if line]


def compare(old_read, new_read, name, phase):
    od, nd = (r(name, "devices-%s.tsv" % phase) for r in (old_read, new_read))
    orr, nr = (r(name, "resources-%s.tsv" % phase)
               for r in (old_read, new_read))
    if None in (od, nd, orr, nr):
        return None
    od = {d["bdf"]: d for d in rows(od)}
    nd = {d["bdf"]: d for d in rows(nd)}
    c = {"bdf": len(set(od) ^ set(nd)), "bus": 0, "window": 0, "bar": 0,
         "vfbar": 0, "functions": (len(od), len(nd))}
    for bdf in set(od) & set(nd):
        for k in ("primary", "secondary", "subordinate"):
            c["bus"] += od[bdf][k] != nd[bdf][k]
    res = lambda t: {(r["bdf"], int(r["index"])): (r["start"], r["end"],
                                                   r["flags"])
                     for r in rows(t)}
    orr, nr = res(orr), res(nr)
    for key in set(orr) | set(nr):
        if key[0] not in od or key[0] not in nd:
            continue            # a function in one only: counted as a BDF
        if orr.get(key) != nr.get(key):
            i = key[1]
            c["window" if i >= 13 else "vfbar" if i >= 7 else "bar"] += 1
    return c


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    old_names, old_read = reader(sys.argv[1])
    new_names, new_read = reader(sys.argv[2])
    print("| capture | phase | functions | BDF | bus | window | BAR | VF BAR |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in sorted(set(old_names()) & set(new_names())):
        for phase in ("boot", "sriov"):
            c = compare(old_read, new_read, name, phase)
            if c is None:
                continue
            fo, fn = c["functions"]
            print("| %s | %s | %s | %d | %d | %d | %d | %d |" % (
                name, phase, fo if fo == fn else "%d -> %d" % (fo, fn),
                c["bdf"], c["bus"], c["window"], c["bar"], c["vfbar"]))


if __name__ == "__main__":
    main()
