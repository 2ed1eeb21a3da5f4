#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The real kernel's enumeration time beside pcisim's, same topologies.

    python3 bench/oracle_times.py PCISIM ORACLE_DIR > table.md

For every capture ORACLE_DIR/NAME/ (make oracle: Debian's arm64 7.3 under
QEMU 7.2 TCG, oracle/README.md), from its dmesg.txt:
  scan+assign   "PCI host bridge to bus" to the last "pci_bus ...:
                resource" line (printed when resource assignment ends)
  to enumerated kernel start (0.0) to that same line: the whole boot
and for pcisim the same hardware (import-lspci of lspci-boot.dump with
resources-boot.tsv, as tests/test_oracle_qemu.c does), enumerated 5 times
with --phases: enumerate + assign (the median), and from the process's
start (load + enumerate + assign). QEMU's CPU is emulated (TCG), so the
real kernel's times are those of that machine, not of real hardware.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

TS = re.compile(r"^\[\s*(\d+\.\d+)\]\s(.*)$")


def dmesg_times(path):
    start = end = None
    with open(path, errors="replace") as f:
        for line in f:
            m = TS.match(line)
            if not m:
                continue
            t, msg = float(m.group(1)), m.group(2)
            if start is None and "PCI host bridge to bus" in msg:
                start = t
            if start is not None and re.match(r"pci_bus [0-9a-f]{4}:[0-9a-f]{2}: resource ", msg):
                end = t
    return start, end


def phases(path):
    out = {}
    with open(path) as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) >= 2 and not line.startswith("#") and p[0] != "phase":
                out[p[0]] = float(p[1])
    return out


def main():
    pcisim, oracle = sys.argv[1], sys.argv[2]
    rows = []
    tmp = tempfile.mkdtemp(prefix="pcisim-oracle-times-")
    for name in sorted(os.listdir(oracle)):
        d = os.path.join(oracle, name)
        dmesg = os.path.join(d, "dmesg.txt")
        dump = os.path.join(d, "lspci-boot.dump")
        res = os.path.join(d, "resources-boot.tsv")
        if not (os.path.exists(dmesg) and os.path.exists(dump)):
            continue
        start, end = dmesg_times(dmesg)
        if start is None or end is None:
            continue
        topo = os.path.join(tmp, name + ".topo")
        cmd = [pcisim, "import-lspci", dump, "-o", topo]
        if os.path.exists(res):
            cmd[3:3] = ["--resources", res]
        if subprocess.run(cmd, capture_output=True).returncode:
            continue
        enum, total, n = [], [], "?"
        for _ in range(5):
            ph = os.path.join(tmp, name + ".tsv")
            subprocess.run([pcisim, "enumerate", topo, "--quiet", "--log",
                            os.devnull, "--phases", ph], check=True,
                           capture_output=True)
            p = phases(ph)
            enum.append(p.get("enumerate", 0) + p.get("assign", 0))
            total.append(p.get("load", 0) + p.get("enumerate", 0) +
                         p.get("assign", 0))
            with open(ph) as f:
                n = f.readline().split("\t")[1].strip()
        rows.append((name, n, (end - start) * 1e3, end,
                     statistics.median(enum) * 1e3,
                     statistics.median(total) * 1e3))
    print("| topology | functions | real kernel scan+assign ms | real kernel boot to enumerated s | pcisim scan+assign ms | pcisim start to enumerated ms | scan+assign ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n, kscan, kboot, pscan, ptot in rows:
        ratio = kscan / pscan if pscan else 0
        print(f"| {name} | {n} | {kscan:.1f} | {kboot:.3f} | {pscan:.3f} | {ptot:.3f} | {ratio:,.0f}x |")


if __name__ == "__main__":
    main()
