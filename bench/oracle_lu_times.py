#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The real kernel's live update beside pcisim's, same machines.

    python3 bench/oracle_lu_times.py PCISIM ORACLE_LU_DIR > table.md

For every capture ORACLE_LU_DIR/NAME/ (make oracle-lu: the oracle-lu
kernel under QEMU 7.2 TCG, oracle/lu/README.md), from its run-info.txt,
as the host saw the guest's console: the first boot (QEMU's start to
/init), each kexec (the agent's reboot to the next /init), and each
preserved device's blackout (the reboot to the retrieve of its file, the
guest's own reporting taken out). For pcisim the same live update
(import-lspci of lspci-boot.dump with resources-boot.tsv, run with
pcisim-args.txt, as tests/test_oracle_lu.c does), 5 times: the whole
run's wall time, its kexec phases (shutdown, kexec, the new kernel's
enumeration, restore), and the blackout pcisim reports, which is the
simulated machine's time, not the host's. QEMU's CPU is emulated, so the
real kernel's times are that machine's, not real hardware's.
"""
import os
import re
import statistics
import subprocess
import sys
import tempfile

KEXEC_PHASES = ("shutdown", "kexec", "kexec-enumerate", "kexec-assign",
                "kexec-add", "restore")


def run_info(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            out[k] = v
    return out


def pcisim_times(pcisim, d, tmp, name):
    topo = os.path.join(tmp, name + ".topo")
    subprocess.run([pcisim, "import-lspci", os.path.join(d, "lspci-boot.dump"),
                    "--resources", os.path.join(d, "resources-boot.tsv"),
                    "-o", topo], check=True, capture_output=True)
    with open(os.path.join(d, "pcisim-args.txt")) as f:
        args = [a for a in f.read().split("\n") if a]
    walls, kexecs, blackout = [], [], {}
    for _ in range(5):
        ph = os.path.join(tmp, name + ".tsv")
        r = subprocess.run([pcisim, "run", topo] + args + ["--phases", ph],
                           capture_output=True, text=True)
        k = 0.0
        with open(ph) as f:
            for line in f:
                p = line.rstrip("\n").split("\t")
                if line.startswith("# total_wall_s"):
                    walls.append(float(p[1]))
                elif p[0] in KEXEC_PHASES:
                    k += float(p[1])
        kexecs.append(k)
        for m in re.finditer(r"^  (\S+): BDF .* blackout (\d+) us$", r.stdout, re.M):
            blackout.setdefault(m.group(1), []).append(int(m.group(2)))
    return (statistics.median(walls), statistics.median(kexecs),
            {b: statistics.median(v) for b, v in blackout.items()})


def main():
    pcisim, caps = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="pcisim-oracle-lu-times-")
    print("| machine | kexecs | real: boot s | real: kexec s | real: blackout s (device) | pcisim: whole run ms | pcisim: kexec phases ms | pcisim: simulated blackout ms (device) |")
    print("|---|---:|---:|---:|---|---:|---:|---|")
    for name in sorted(os.listdir(caps)):
        d = os.path.join(caps, name)
        if not os.path.exists(os.path.join(d, "pcisim-args.txt")):
            continue
        ri = run_info(os.path.join(d, "run-info.txt"))
        kx = [v for k, v in sorted(ri.items()) if re.match(r"kexec\d+_seconds", k)]
        bo = ["%s (%s, kexec %s)" % (v, m.group(2), m.group(1)) for k, v in sorted(ri.items())
              for m in [re.match(r"blackout(\d+)_(.*)_seconds", k)] if m]
        wall, kexec, pblack = pcisim_times(pcisim, d, tmp, name)
        print("| %s | %s | %s | %s | %s | %.0f | %.0f | %s |" % (
            name, ri.get("kexecs", "?"), ri.get("boot_seconds", "?"),
            ", ".join(kx), "; ".join(bo), wall * 1e3, kexec * 1e3,
            "; ".join("%.1f (%s)" % (v / 1e3, b) for b, v in sorted(pblack.items()))))


if __name__ == "__main__":
    main()
