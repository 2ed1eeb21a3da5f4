#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write bench/RESULTS.md from a bench run (bench/run-bench.sh's OUTDIR).

    python3 bench/report.py OUTDIR bench/findings.md > bench/RESULTS.md

Tables: per size and phase, wall time, config accesses, RSS, cost per
function and the growth exponent between sizes (log(t2/t1) / log(n2/n1):
1 is linear, 2 quadratic); the whole process as /usr/bin/time saw it.
Then the hand-written findings (profiles, what was not reached).
"""
import math
import os
import sys

PHASES = ["load", "enumerate", "assign", "add", "enable-vfs", "preserve",
          "shutdown", "kexec", "kexec-enumerate", "kexec-assign", "kexec-add",
          "restore", "check"]

WHAT = {
    "load": "parse the generated topology, build the machine (host)",
    "enumerate": "kernel boot + pci_scan_root_bus_bridge(), every domain",
    "assign": "pci_assign_unassigned_root_bus_resources()",
    "add": "pci_bus_add_devices(): pcieport binds to every port",
    "enable-vfs": "user space: bind pcisim-pf, write sriov_numvfs (every PF)",
    "preserve": "bind pcisim-vfio/-pf to the chosen devices, preserve in LUO",
    "shutdown": "liveupdate_reboot(), device_shutdown(), KHO finalize",
    "kexec": "poison unpreserved RAM, reset the kernel world",
    "kexec-enumerate": "new kernel: boot + scan (inherited bus numbers)",
    "kexec-assign": "new kernel: resources (preserved BARs claimed)",
    "kexec-add": "new kernel: add devices",
    "restore": "retrieve every file, finish the session, VFs again",
    "check": "compare before/after: every device, path, VF, event",
}


def read_tsv(path):
    rows, meta = [], {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# "):
                k, _, v = line[2:].partition("\t")
                meta[k] = v
            elif line:
                rows.append(line.split("\t"))
    return meta, rows


def load(outdir):
    machine = {}
    with open(os.path.join(outdir, "machine.tsv")) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            machine[k] = v
    runs = []
    for name in os.listdir(outdir):
        d = os.path.join(outdir, name)
        if not name.isdigit() or not os.path.isdir(d):
            continue
        r = {"size": int(name), "dir": d, "phases": {}}
        try:
            meta, rows = read_tsv(os.path.join(d, "phases.tsv"))
            r["functions"] = int(meta.get("functions", name))
            for row in rows[1:]:
                r["phases"][row[0]] = {
                    "wall": float(row[1]), "cfg": int(row[2]),
                    "rss": int(row[3]), "peak": int(row[4])}
        except (OSError, ValueError, IndexError):
            r["functions"] = int(name)
        try:
            with open(os.path.join(d, "time.txt")) as f:
                t = f.read().split()
                r["time"] = (float(t[-4]), float(t[-3]), float(t[-2]),
                             int(t[-1]))
        except (OSError, ValueError, IndexError):
            r["time"] = None
        try:
            with open(os.path.join(d, "status.txt")) as f:
                r["status"] = int(f.read().strip())
        except (OSError, ValueError):
            r["status"] = None
        try:
            with open(os.path.join(d, "command.txt")) as f:
                r["command"] = f.read().strip()
        except OSError:
            r["command"] = "?"
        r["preserved"] = "?"
        r["last"] = ""
        try:
            with open(os.path.join(d, "run.out")) as f:
                for line in f:
                    if line.startswith("preserving "):
                        r["preserved"] = line.split()[1]
                    if line.startswith("run:"):
                        r["last"] = line.strip()
        except OSError:
            pass
        runs.append(r)
    runs.sort(key=lambda r: r["size"])
    return machine, runs


def exponent(a, b, na, nb):
    if a <= 0 or b <= 0 or na == nb:
        return None
    return math.log(b / a) / math.log(nb / na)


def fmt(x, digits=3):
    if x is None:
        return "-"
    if isinstance(x, int):
        return f"{x:,}"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.{digits}f}"


def table(runs, value, title, unit, with_exp=True):
    out = [f"**{title}** ({unit})", ""]
    head = "| phase | " + " | ".join(f"{r['functions']:,}" for r in runs)
    sep = "|---|" + "---:|" * len(runs)
    if with_exp and len(runs) > 1:
        head += " | " + " | ".join(
            f"exp {short(a['size'])}→{short(b['size'])}"
            for a, b in zip(runs, runs[1:]))
        sep += "---:|" * (len(runs) - 1)
    out += [head + " |", sep]
    names = [p for p in PHASES if any(p in r["phases"] for r in runs)]
    names += sorted({p for r in runs for p in r["phases"]} - set(names))
    for p in names:
        vals = [value(r, r["phases"][p]) if p in r["phases"] else None
                for r in runs]
        line = f"| {p} | " + " | ".join(fmt(v) for v in vals)
        if with_exp and len(runs) > 1:
            exps = []
            for (a, va), (b, vb) in zip(zip(runs, vals), zip(runs[1:], vals[1:])):
                e = None
                if va is not None and vb is not None:
                    e = exponent(va, vb, a["functions"], b["functions"])
                exps.append("-" if e is None else f"{e:.2f}")
            line += " | " + " | ".join(exps)
        out.append(line + " |")
    return out + [""]


def short(n):
    for unit, div in (("M", 10**6), ("k", 10**3)):
        if n >= div and n % div == 0:
            return f"{n // div}{unit}"
    return str(n)


def main():
    outdir, findings = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
    machine, runs = load(outdir)
    o = ["# pcisim benchmarks", "",
         "Written by `make bench` (bench/bench.mk, bench/run-bench.sh, "
         "bench/report.py) from the runs in `" + outdir + "`; the analysis "
         "after the tables is bench/findings.md, written by hand from the "
         "profiles `make bench-profile` takes. Do not edit the tables: run "
         "`make bench` again.", "",
         "## Machine and versions", "",
         "| | |", "|---|---|"]
    for k in ("cpu", "cores", "memory_kb", "host_kernel", "pcisim_kernel",
              "compiler", "commit", "date", "load_before"):
        v = machine.get(k, "?")
        if k == "memory_kb" and v.isdigit():
            k, v = "memory", f"{int(v) / 2**20:.1f} GiB"
        o.append(f"| {k} | {v} |")
    o += ["",
          "The kernel code is Linux " + machine.get("pcisim_kernel", "?") +
          ", compiled unmodified into the "
          "process with the live update patches; it runs on one core, as "
          "pcisim is single-threaded.", "",
          "## What runs", "",
          "Each size is one process: a topology from `pcisim gen` (shape `" +
          machine.get("shape", "?") + "`: per domain as many root ports as "
          "fit in 256 buses, a switch below each with 8 downstream ports, "
          "below each a device of 4 SR-IOV PFs with 7 VFs each), the full "
          "live update with every check, one kexec, a fraction " +
          machine.get("fraction", "?") + " of the non-bridge functions "
          "(every k-th in walk order: endpoints, PFs and VFs) preserved "
          "with their DMA running:", ""]
    for r in runs:
        o.append(f"    {r['command']}")
    o += ["",
          "Phases are timed inside the process (`--phases FILE`); the whole "
          "process by `/usr/bin/time`. The kernel's `pci_host_probe()` is "
          "split into enumerate / assign / add by wrapping the two calls it "
          "makes into other files at link time (pci-core/phases.c); nothing "
          "in the kernel is changed for it. Config accesses are the config "
          "cycles the machine answered. RSS is the process's resident set at "
          "the end of the phase; peak RSS the maximum so far.", "",
          "| phase | what it covers |", "|---|---|"]
    for p in PHASES:
        o.append(f"| {p} | {WHAT[p]} |")
    o += ["", "## Whole runs", "",
          "| functions | preserved | exit | wall s | user s | sys s | peak RSS MiB | wall µs per function | result |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in runs:
        t = r["time"]
        if t:
            o.append(f"| {r['functions']:,} | {r['preserved']} | {r['status']} | "
                     f"{t[0]:.2f} | {t[1]:.2f} | {t[2]:.2f} | {t[3] / 1024:,.0f} | "
                     f"{t[0] / r['functions'] * 1e6:.1f} | {r['last']} |")
        else:
            o.append(f"| {r['functions']:,} | {r['preserved']} | {r['status']} | - | - | - | - | - | {r['last']} |")
    exps = []
    for a, b in zip(runs, runs[1:]):
        if a["time"] and b["time"]:
            e = exponent(a["time"][0], b["time"][0], a["functions"],
                         b["functions"])
            if e is not None:
                exps.append(f"{short(a['size'])}→{short(b['size'])} {e:.2f}")
    if exps:
        o += ["", "Growth exponent of the whole run's wall time: " +
              ", ".join(exps) + "."]
    o += ["", "## Per phase", ""]
    o += table(runs, lambda r, p: p["wall"], "Wall time", "s")
    o += table(runs, lambda r, p: p["wall"] / r["functions"] * 1e6,
               "Cost per function", "µs of wall time per function", False)
    o += table(runs, lambda r, p: p["cfg"], "Config accesses", "count")
    o += table(runs, lambda r, p: p["rss"] // 1024,
               "RSS at the end of the phase", "MiB", False)
    o += table(runs, lambda r, p: p["peak"] // 1024,
               "Peak RSS so far", "MiB", False)
    def beside(fname, intro):
        path = os.path.join(outdir, fname)
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return intro + [f.read().rstrip(), ""]

    o += beside("oracle-times.md", [
        "## Beside the real kernel", "",
        "The reference machines of `make oracle` (tests/oracle/: Debian's "
        "arm64 7.3.4 booted by QEMU 7.2 `virt`, TCG, so an emulated "
        "CPU), enumerated by pcisim from their own captures "
        "(bench/oracle_times.py; `make oracle` prints the same table "
        "after a capture). Real kernel: from the dmesg timestamps, "
        "`PCI host bridge to bus` to the last `pci_bus ...: resource` "
        "line (resource assignment done), and from the kernel's start to "
        "that line. pcisim: its enumerate and assign phases (median of "
        "5), and from the process's start.", ""])
    o += beside("qemu-times.md", [
        "The benchmark's 1k size under QEMU (`make bench-qemu`: "
        "bench/qemu/, 1,064 functions in the benchmark's tree, one nvme "
        "PF with 31 VFs per port where the benchmark has four PFs with "
        "7, which QEMU 7.2 cannot build). The kernel enumerates its "
        "bridges and PFs at boot, timed as above (VFs appear only when "
        "user space enables them); `make bench-qemu` then compares "
        "pcisim with the real kernel with every VF enabled too, and "
        "writes this table only when every BDF, bus number, window, BAR "
        "and VF BAR matched. The 10k size and up cannot be booted: "
        "QEMU's arm64 virt machine has one host bridge (256 buses).", ""])
    if findings and os.path.exists(findings):
        with open(findings) as f:
            o += ["", f.read().rstrip()]
    print("\n".join(o))


if __name__ == "__main__":
    main()
