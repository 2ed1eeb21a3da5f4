#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Who the time belongs to: the kernel's code, or pcisim's own.

    shares.py callgrind ANNOTATE_TREE_CALLER.txt
    shares.py perf BUILD_DIR PERF_SCRIPT.txt [WITHIN]

WITHIN (perf): count only samples with that function in their stack
(cli_boot: boot and probe, the enumeration; not loading the topology).

Categories:
  kernel   the Linux code compiled unmodified (drivers/pci, drivers/base,
           lib/, kernel/resource.c) and the live update patches (lu/ in
           the overlay): what a real kernel runs too
  model    pcisim's device model: topo/ (config space, routing, SR-IOV,
           DMA engines, copy on write)
  shims    pcisim's kernel-world services and glue: shim/*.c (page and
           slab allocators, printk sink, ...), pci-core/ (host bridge,
           report, phase marks), lu/sim-drivers/ (simulated drivers),
           abort stubs
  host     the CLI and the host half of the seam: cli/, shim/host/
libc is no category of its own: its cost goes to whoever called it (for
callgrind, split over the callers by their inclusive cost; for perf, the
first caller in the sample's stack that has a category). The same holds
for the OS, except (perf only):
  backing  the host OS giving the process memory on first touch (page
           faults, MADV_POPULATE_WRITE): the kernel world's RAM and the
           model's heap. A real kernel's RAM is there before it boots;
           shown apart so that it is neither hidden nor mistaken for
           the model's or the kernel's code.
"""
import collections
import os
import re
import subprocess
import sys

CATS = ("kernel", "model", "shims", "host", "backing")

# Entry points of the host OS serving memory to the process (perf stacks).
BACKING = {"asm_exc_page_fault", "exc_page_fault", "do_madvise",
           "__x64_sys_madvise", "__do_sys_brk", "__x64_sys_brk"}


def cat_of_path(path):
    p = path.replace("\\", "/")
    if "/shim/host/" in p or p.startswith("shim/host/") or "/cli/" in p \
            or p.startswith("cli/") or "/tests/" in p:
        return "host"
    if "linux-source" in p or "/overlay/" in p or "/lu/drivers/" in p:
        return "kernel"
    if "/topo/" in p or p.startswith("topo/"):
        return "model"
    if "/shim/" in p or p.startswith("shim/") or "/pci-core/" in p \
            or p.startswith("pci-core/") or "/sim-drivers/" in p \
            or "stubs.c" in p:
        return "shims"
    return None


LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+([<*>])\s+(.*?)(?:\s+\((\d[\d,]*)x\))?(?:\s+\[(.*)\])?\s*$")


def callgrind(path):
    """Parse `callgrind_annotate --tree=caller --inclusive=no` output."""
    self_cost = {}
    callers = collections.defaultdict(list)
    pending = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line)
            if not m:
                if not line.strip():
                    pending = []
                continue
            cost = int(m.group(1).replace(",", ""))
            kind, name = m.group(2), m.group(3)
            if kind == "<":
                pending.append((name, cost))
            elif kind == "*":
                self_cost[name] = self_cost.get(name, 0) + cost
                callers[name].extend(pending)
                pending = []
    memo = {}

    def share(fn, depth=0):
        c = cat_of_path(fn.rsplit(":", 1)[0])
        if c:
            return {c: 1.0}
        if fn in memo:
            return memo[fn]
        memo[fn] = {}
        if depth > 20:
            return {}
        acc = collections.Counter()
        total = 0
        for caller, cost in callers.get(fn, []):
            for k, v in share(caller, depth + 1).items():
                acc[k] += cost * v
            total += cost
        memo[fn] = {k: v / total for k, v in acc.items()} if total else {}
        return memo[fn]

    totals = collections.Counter()
    unknown = 0
    per_fn = collections.Counter()
    for fn, cost in self_cost.items():
        s = share(fn)
        if not s:
            unknown += cost
        for k, v in s.items():
            totals[k] += cost * v
        c = cat_of_path(fn.rsplit(":", 1)[0])
        per_fn[(c or "libc/other", fn)] += cost
    return totals, unknown, per_fn


def symbol_map(build):
    """Symbol name -> category, from the object files of each part."""
    parts = {
        "kernel": [os.path.join(build, "k")],
        "shims": [os.path.join(build, "ks"), os.path.join(build, "stubs.o")],
        "model": [os.path.join(build, "h", "topo")],
        "host": [os.path.join(build, "h", "cli"),
                 os.path.join(build, "h", "shim")],
    }
    m = {}
    for cat, roots in parts.items():
        objs = []
        for r in roots:
            if r.endswith(".o"):
                objs.append(r)
                continue
            for d, _, files in os.walk(r):
                objs += [os.path.join(d, x) for x in files if x.endswith(".o")]
        if not objs:
            continue
        out = subprocess.run(["nm", "--defined-only"] + objs,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if len(f) == 3 and f[1].lower() == "t":
                m.setdefault(f[2], cat)
    return m


def perf(build, script, within=None):
    """`perf script -F ip,sym` output with callchains: a stack per sample."""
    syms = symbol_map(build)
    totals = collections.Counter()
    per_sym = collections.Counter()
    stack = []

    def flush():
        if not stack:
            return
        if within and not any(s.split(".")[0] == within for s in stack):
            return
        cat = None
        if any(s in BACKING for s in stack):
            cat = "backing"
        for s in stack if not cat else ():
            base = s.split(".")[0]
            cat = syms.get(s) or syms.get(base)
            if cat:
                break
        totals[cat or "other"] += 1
        per_sym[(cat or "other", stack[0])] += 1

    with open(script, errors="replace") as f:
        for line in f:
            if not line.strip():
                flush()
                stack = []
                continue
            parts = line.split()
            if len(parts) >= 2 and re.match(r"^[0-9a-f]+$", parts[0]):
                stack.append(parts[1].split("+")[0])
            elif not line.startswith((" ", "\t")):
                flush()
                stack = []
    flush()
    return totals, per_sym


def show(totals, unknown, per, unit, top=int(os.environ.get("SHARES_TOP", "25"))):
    grand = sum(totals.values()) + unknown
    print(f"| part | {unit} | share |")
    print("|---|---:|---:|")
    for c in CATS + ("other",):
        if totals.get(c):
            print(f"| {c} | {totals[c]:,.0f} | {100 * totals[c] / grand:.1f}% |")
    if unknown:
        print(f"| (unattributed) | {unknown:,.0f} | {100 * unknown / grand:.1f}% |")
    print()
    print(f"Top functions by own cost ({unit}):")
    print()
    print(f"| part | function | {unit} | share |")
    print("|---|---|---:|---:|")
    for (c, fn), v in per.most_common(top):
        name = fn.rsplit(":", 1)[-1].split(" ")[0]
        src = fn.rsplit(":", 1)[0] if ":" in fn else ""
        src = re.sub(r"^.*?(linux-source-[\d.]+|overlay|topo|shim|cli|pci-core|lu)/", r"\1/", src)
        label = f"{name} ({src})" if src else name
        print(f"| {c} | `{label}` | {v:,} | {100 * v / grand:.1f}% |")


def main():
    if sys.argv[1] == "callgrind":
        totals, unknown, per = callgrind(sys.argv[2])
        show(totals, unknown, per, "instructions")
    else:
        totals, per = perf(sys.argv[2], sys.argv[3],
                           sys.argv[4] if len(sys.argv) > 4 else None)
        show(totals, 0, per, "samples")


if __name__ == "__main__":
    main()
