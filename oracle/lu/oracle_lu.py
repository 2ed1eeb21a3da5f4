#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make oracle-lu: a real live update under QEMU, captured for pcisim.

    oracle/lu/oracle_lu.py --kernel DIR --busybox FILE --agent FILE
                           --work DIR --out DIR [--timeout S] [NAME...]

For each oracle/lu/topologies/NAME.qemu, boot the kernel build-kernel.sh
made (DIR/Image) on QEMU's arm64 virt machine with an initramfs of
busybox, oracle/lu/guest/{init,phase.sh}, oracle/report.sh, lu-agent, the
Image itself and /lu.conf; the guest preserves devices through LUO, kexecs
into the same Image (kexec_file_load, KHO on) as many times as the
topology says, and reports on the serial console at every step
(oracle/lu/guest/init). Then write OUT/NAME/ (oracle/lu/README.md):

    qemu-cmd.txt run-info.txt pcisim-args.txt expect-exit.txt agent.txt
    dmesg-N.txt
    lspci-PHASE.dump devices-PHASE.tsv resources-PHASE.tsv drivers-PHASE.txt
    lulist-outgoing-N.txt lulist-incoming-N.txt lulist-incoming-finishedN.txt
    kho-out-N.txt kho-in-N.txt

A topology file has QEMU -device lines, '#' comments, and what pcisim's
run takes, with the same meaning:

    preserve: BDF,...        --preserve
    kexec: N                 --kexec N (1)
    enable-vfs               --enable-vfs
    cmdline: [N:]STR         --cmdline [N:]STR, repeatable, in order
    expect-exit: 0|1         what pcisim's run must exit with (0): 1 where
                             a guarantee is switched off (pci=lu_fault=)

A run that times out, whose agent failed, or that ended in another stage
than the last kexec's writes nothing.
"""
import argparse
import gzip
import os
import re
import shlex
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import oracle  # noqa: E402  (oracle/oracle.py: the capture formats)
import fdt_text  # noqa: E402

BASE_CMDLINE = "console=ttyAMA0 panic=-1 liveupdate=on"


def read_topology(path):
    t = {"devices": [], "preserve": [], "kexec": 1, "enable_vfs": False,
         "cmdlines": [], "expect_exit": 0}
    with open(path) as f:
        for nr, line in enumerate(f, 1):
            line = line.strip()
            where = "%s:%d" % (path, nr)
            if not line or line.startswith("#"):
                continue
            key, _, val = line.partition(":")
            val = val.strip()
            if line.startswith("-device "):
                t["devices"] += ["-device", line[len("-device "):].strip()]
            elif key == "preserve" and val:
                t["preserve"] += [b.strip() for b in val.split(",")]
            elif key == "kexec" and val.isdigit() and int(val) >= 1:
                t["kexec"] = int(val)
            elif line == "enable-vfs":
                t["enable_vfs"] = True
            elif key == "cmdline" and val:
                t["cmdlines"].append(val)
            elif key == "expect-exit" and val in ("0", "1"):
                t["expect_exit"] = int(val)
            else:
                sys.exit("%s: expected -device, preserve:, kexec:, "
                         "enable-vfs, cmdline: or expect-exit: (%s)"
                         % (where, line))
    if not t["preserve"]:
        sys.exit("%s: nothing to preserve (preserve: BDF,...)" % path)
    return t


def boot_cmdline(t, n):
    """What pcisim's --cmdline gives kernel n (0: the first boot)."""
    parts = [BASE_CMDLINE]
    for c in t["cmdlines"]:
        m = re.match(r"^(\d+):(.*)$", c)
        if not m:
            parts.append(c)
        elif int(m.group(1)) == n:
            parts.append(m.group(2))
    return " ".join(parts)


def pcisim_args(t):
    a = ["--preserve", ",".join(t["preserve"]), "--kexec", str(t["kexec"])]
    for c in t["cmdlines"]:
        a += ["--cmdline", c]
    if t["enable_vfs"]:
        a.append("--enable-vfs")
    return a


# ---- the initramfs ---------------------------------------------------------

def cpio_newc(files):
    """A newc archive of [(path, mode, data)] (directories: data None; a
    device node: data (major, minor))."""
    out, ino = [], 1
    for path, mode, data in files + [("TRAILER!!!", 0, b"")]:
        rdev = data if isinstance(data, tuple) else (0, 0)
        data = b"" if isinstance(data, tuple) else (data or b"")
        name = path.encode() + b"\0"
        hdr = "070701" + "".join("%08x" % v for v in [
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
            len(name), 0])
        ino += 1
        rec = hdr.encode() + name
        rec += b"\0" * (-len(rec) % 4) + data
        rec += b"\0" * (-len(rec) % 4)
        out.append(rec)
    return b"".join(out)


def initramfs(args, t):
    def rd(p):
        with open(p, "rb") as f:
            return f.read()
    conf = ["LU_PRESERVE=%s" % shlex.quote(" ".join(t["preserve"])),
            "LU_KEXECS=%d" % t["kexec"],
            "LU_ENABLE_VFS=%d" % t["enable_vfs"]]
    for n in range(1, t["kexec"] + 1):
        conf.append("LU_CMDLINE_%d=%s" % (n, shlex.quote(boot_cmdline(t, n))))
    d, x, r = 0o040755, 0o100755, 0o100644
    files = [("bin", d, None), ("dev", d, None), ("proc", d, None),
             ("sys", d, None), ("run", d, None), ("lu", d, None),
             ("bin/busybox", x, rd(args.busybox)),
             ("init", x, rd(os.path.join(HERE, "guest", "init"))),
             ("report.sh", r, rd(os.path.join(HERE, "..", "report.sh"))),
             ("lu/phase.sh", r, rd(os.path.join(HERE, "guest", "phase.sh"))),
             ("lu/lu-agent", x, rd(args.agent)),
             ("lu.conf", r, ("\n".join(conf) + "\n").encode()),
             ("Image", r, rd(os.path.join(args.kernel, "Image")))]
    return gzip.compress(cpio_newc(files), 6)


# ---- the console log -------------------------------------------------------

def parse_console(text):
    text = text.replace("\r", "")
    stages = [(int(m.group(1)), m.group(2).strip(), m.start()) for m in
              re.finditer(r"^@@STAGE (\d+) (.*)$", text, re.M)]
    phases, iomem = oracle.parse_phases(text)
    lulists = {"%s-%s" % (m.group(1), m.group(2)): m.group(3) for m in
               re.finditer(r"^@@LULIST (\w+) (\w+)\n(.*?)^@@END lulist_\1_\2$",
                           text, re.M | re.S)}
    blobs = {m.group(1): bytes(int(x, 16) for x in m.group(2).split())
             for m in re.finditer(r"^@@BLOB (\S+)\n(.*?)^@@END \1$", text,
                                  re.M | re.S)}
    dmesgs = re.findall(r"^@@DMESG\n(.*?)^@@ENDDMESG$", text, re.M | re.S)
    agent = re.findall(r"^@@(?:AGENT|ERROR) .*$", text, re.M)
    return {"stages": stages, "phases": phases, "iomem": iomem,
            "lulists": lulists, "blobs": blobs, "dmesgs": dmesgs,
            "agent": agent, "done": "@@DONE" in text}


def console_run(argv, console, timeout):
    """Run QEMU with the serial console on a pipe, into console; each
    line's arrival time (s since QEMU started). (rc, wall, stamps)."""
    t0 = time.monotonic()
    stamps = []
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killer = threading.Timer(timeout, p.kill)
    killer.start()
    with open(console, "wb") as f:
        for line in p.stdout:
            stamps.append((time.monotonic() - t0,
                           line.decode(errors="replace").rstrip("\r\n")))
            f.write(line)
    killer.cancel()
    err = p.stderr.read().decode(errors="replace")
    rc = p.wait()
    for line in err.splitlines():
        if not line.endswith("has no peer"):
            print(line, file=sys.stderr)
    return (rc if rc >= 0 else "timeout"), time.monotonic() - t0, stamps


def timings(stamps):
    """What the host saw of the live update, by the console's lines: the
    first boot (QEMU's start to /init), each kexec (the agent's reboot to
    the next /init) and each preserved device's blackout (the reboot to
    the agent's retrieve of its file), less the time the guest spent
    reporting between /init and the retrieve (the kexecN phase, its
    device list and KHO's debugfs)."""
    out, kexec_at, n = [], None, 0
    rep_start = rep_end = None
    for ts, line in stamps:
        if line.startswith("@@STAGE "):
            n = int(line.split()[1])
            rep_start = rep_end = None
            if n == 0:
                out.append(("boot_seconds", "%.2f" % ts))
            elif kexec_at is not None:
                out.append(("kexec%d_seconds" % n, "%.2f" % (ts - kexec_at)))
        elif line == "@@AGENT kexec loaded ok":
            kexec_at = ts
        elif line == "@@PHASE kexec%d" % n:
            rep_start = ts
        elif line.startswith("@@END kho_in_"):
            rep_end = ts
        m = re.match(r"^@@AGENT retrieve \S+ (\S+) fd \d+ ok$", line)
        if m and kexec_at is not None:
            report = rep_end - rep_start if rep_start and rep_end else 0
            out.append(("blackout%d_%s_seconds" % (n, m.group(1)),
                        "%.2f" % (ts - kexec_at - report)))
    return out


def run_one(name, args, host):
    t = read_topology(os.path.join(args.topologies, name + ".qemu"))
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    console = os.path.join(work, "console.raw")
    initrd = os.path.join(work, "initrd.gz")
    with open(initrd, "wb") as f:
        f.write(initramfs(args, t))
    if os.path.exists(console):
        os.unlink(console)
    cmdline0 = boot_cmdline(t, 0)
    argv = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57",
            "-smp", "1", "-m", "1024", "-nodefaults", "-nic", "none",
            "-display", "none", "-no-reboot", "-monitor", "none",
            "-serial", "stdio",
            "-kernel", os.path.join(args.kernel, "Image"),
            "-initrd", initrd, "-append", cmdline0] + t["devices"]
    rc, wall, stamps = console_run(argv, console, args.timeout)
    with open(console, errors="replace") as f:
        cap = parse_console(f.read())
    last = cap["stages"][-1][0] if cap["stages"] else None
    bad = [a for a in cap["agent"] if "error" in a or a.startswith("@@ERROR")
           or (a.startswith("@@AGENT exit") and a != "@@AGENT exit 0")]
    if rc != 0 or not cap["done"] or last != t["kexec"] or bad:
        print("  ORACLE-LU %s: FAILED (qemu %s after %.0f s, last stage %s%s);"
              " console: %s" % (name, rc, wall, last,
                                ", " + bad[0] if bad else "", console),
              file=sys.stderr)
        return False
    for n, seen, _ in cap["stages"]:
        want = boot_cmdline(t, n) + (" lu_stage=%d" % n if n else "")
        if seen != want:
            print("  ORACLE-LU %s: kernel %d saw '%s', not '%s'"
                  % (name, n, seen, want), file=sys.stderr)
            return False

    out = os.path.join(args.out, name)
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.unlink(os.path.join(out, f))

    def write(fname, text):
        with open(os.path.join(out, fname), "w") as f:
            f.write(text)

    # the work directory first: the kernel's is a prefix of it
    shown = [a.replace(work, "<work>").replace(args.kernel, "<kernel>")
             for a in argv]
    write("qemu-cmd.txt", "# QEMU command for %s (<kernel> = build/oracle-lu,"
          " <work> = build/oracle-lu/runs/%s)\n%s\n" % (name, name, " ".join(
              shlex.quote(a) if a == cmdline0 else a for a in shown)))
    write("pcisim-args.txt", "\n".join(pcisim_args(t)) + "\n")
    write("expect-exit.txt", "%d\n" % t["expect_exit"])
    for phase, devs in cap["phases"].items():
        write("lspci-%s.dump" % phase, oracle.lspci_dump(devs))
        write("devices-%s.tsv" % phase, oracle.devices_tsv(devs))
        write("resources-%s.tsv" % phase, oracle.resources_tsv(devs))
        write("drivers-%s.txt" % phase, "".join(
            "%s\t%s\n" % (d["bdf"], d["attrs"].get("driver", "-"))
            for d in devs))
    for key, text in cap["lulists"].items():
        write("lulist-%s.txt" % key, text)
    kho = {}
    for key, blob in sorted(cap["blobs"].items()):
        m = re.match(r"^kho_(in|out)_(.*)_(\w+)$", key)
        if not m:
            continue
        kho.setdefault((m.group(1), m.group(3)), []).append(
            fdt_text.describe(m.group(2), blob))
    for (way, n), parts in kho.items():
        write("kho-%s-%s.txt" % (way, n), "\n".join(parts))
    for n, text in enumerate(cap["dmesgs"]):
        write("dmesg-%d.txt" % n, text)
    write("agent.txt", "\n".join(cap["agent"]) + "\n")
    with open(os.path.join(args.kernel, "build-seconds")) as f:
        build_s = f.read().strip()
    write("run-info.txt", "".join("%s=%s\n" % kv for kv in [
        ("topology", name), ("qemu_rc", rc), ("wall_seconds", "%.1f" % wall),
        ("kexecs", t["kexec"]), ("kernel_build_seconds", build_s)] +
        timings(stamps) + host))
    print("  ORACLE-LU %s: %d kexec(s), %d phases, %.0f s"
          % (name, t["kexec"], len(cap["phases"]), wall), file=sys.stderr)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--agent", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=180)
    ap.add_argument("--topologies", default=os.path.join(HERE, "topologies"))
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    args.kernel = os.path.abspath(args.kernel)
    args.work = os.path.abspath(args.work)
    names = args.names or sorted(
        f[:-5] for f in os.listdir(args.topologies) if f.endswith(".qemu"))
    qemu = subprocess.run(["qemu-system-aarch64", "--version"],
                          capture_output=True, text=True).stdout
    host = [("qemu", qemu.splitlines()[0])]
    failed = [n for n in names if not run_one(n, args, host)]
    if failed:
        sys.exit("make oracle-lu: failed: " + " ".join(failed))


if __name__ == "__main__":
    main()
