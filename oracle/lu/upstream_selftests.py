#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make oracle-lu, part 2: upstream's LUO selftests on the oracle-lu kernel.

    oracle/lu/upstream_selftests.py --kernel DIR --ksrc TREE --busybox FILE
                                    --work DIR --out FILE [--timeout S]

tools/testing/selftests/liveupdate/ of the pinned tree, built and run as
upstream runs them on arm64 (its vmtest.sh): each kexec test
(luo_kexec_simple, luo_multi_session, luo_stress_files,
luo_stress_sessions) with nolibc, upstream's init.c as /init, the kernel
and an inner initramfs in the initramfs; QEMU virt, "console=ttyAMA0
liveupdate=on panic=-1"; passed when the serial log says TEST PASSED.
liveupdate.c (the kselftest-harness suite, a TEST_GEN_PROGS of upstream's
Makefile, which lib.mk builds with libc) runs once in a busybox
initramfs, and each of its TAP lines is a result. The same tests run in
pcisim as tests/test_upstream_luo. OUT gets one line per test:

    ok|not ok NAME (S s)
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from oracle_lu import cpio_newc  # noqa: E402

KEXEC_TESTS = ["luo_kexec_simple", "luo_multi_session", "luo_stress_files",
               "luo_stress_sessions"]
CMDLINE = "console=ttyAMA0 liveupdate=on panic=-1"
CROSS = os.environ.get("CROSS_COMPILE", "aarch64-linux-gnu-")


def build(args):
    st = os.path.join(args.ksrc, "tools/testing/selftests/liveupdate")
    hdr = os.path.join(args.kernel, "kb/usr/include")
    nolibc = ["-static", "-nostdinc", "-nostdlib", "-I", hdr, "-I",
              os.path.join(args.ksrc, "tools/include/nolibc")]
    out = os.path.join(args.work, "bin")
    os.makedirs(out, exist_ok=True)
    cmds = [[CROSS + "gcc", "-s", "-Os", "-fno-asynchronous-unwind-tables",
             "-fno-ident", "-fno-stack-protector"] + nolibc +
            ["-o", os.path.join(out, "init"), os.path.join(st, "init.c")]]
    for t in KEXEC_TESTS:
        cmds.append([CROSS + "gcc", "-O2"] + nolibc +
                    ["-I", os.path.join(st, "lib/include"), "-o",
                     os.path.join(out, t), os.path.join(st, t + ".c"),
                     os.path.join(st, "lib/lu_utils.c")])
    cmds.append([CROSS + "gcc", "-static", "-O2", "-D_GNU_SOURCE=",
                 "-isystem", hdr, "-I", os.path.join(st, "lib/include"),
                 "-I", os.path.join(args.ksrc, "tools/testing/selftests"),
                 "-o", os.path.join(out, "liveupdate"),
                 os.path.join(st, "liveupdate.c"),
                 os.path.join(st, "lib/lu_utils.c")])
    for c in cmds:
        r = subprocess.run(c, capture_output=True, text=True)
        if r.returncode:
            sys.exit("upstream selftests: %s failed:\n%s" % (c[-1], r.stderr))
    return out


def rd(p):
    with open(p, "rb") as f:
        return f.read()


def boot(args, name, initrd, timeout):
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    serial = os.path.join(work, "serial.log")
    rdp = os.path.join(work, "initrd.gz")
    with open(rdp, "wb") as f:
        f.write(gzip.compress(initrd, 6))
    if os.path.exists(serial):
        os.unlink(serial)
    argv = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57",
            "-smp", "1", "-m", "1G", "-no-reboot", "-nodefaults",
            "-display", "none", "-serial", "file:" + serial,
            "-append", CMDLINE, "-kernel",
            os.path.join(args.kernel, "Image"), "-initrd", rdp]
    t0 = time.monotonic()
    try:
        subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    with open(serial, errors="replace") as f:
        return f.read().replace("\r", ""), time.monotonic() - t0


def kexec_test(args, bins, name):
    d, x, r = 0o040755, 0o100755, 0o100644
    base = [("dev", d, None), ("proc", d, None), ("debugfs", d, None),
            ("dev/console", 0o020600, (5, 1)),
            ("init", x, rd(os.path.join(bins, "init"))),
            ("test_binary", x, rd(os.path.join(bins, name)))]
    inner = cpio_newc(base)
    outer = cpio_newc(base + [
        ("kernel", r, rd(os.path.join(args.kernel, "Image"))),
        ("initrd.img", r, inner)])
    log, secs = boot(args, name, outer, args.timeout)
    return [("TEST PASSED" in log, name, secs)]


def harness_suite(args, bins):
    d, x = 0o040755, 0o100755
    init = b"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
/liveupdate
echo "@@EXIT $?"
poweroff -f
"""
    files = [("bin", d, None), ("dev", d, None), ("proc", d, None),
             ("sys", d, None), ("bin/busybox", x, rd(args.busybox)),
             ("init", x, init), ("liveupdate", x,
                                 rd(os.path.join(bins, "liveupdate")))]
    log, secs = boot(args, "liveupdate", cpio_newc(files), args.timeout)
    res = [(m.group(1) == "ok", "liveupdate." + m.group(2), None) for m in
           re.finditer(r"^(ok|not ok) \d+ (\S+)", log, re.M)]
    if "@@EXIT 0" not in log or not res:
        res.append((False, "liveupdate (exit status)", secs))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--ksrc", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    bins = build(args)
    results = harness_suite(args, bins)
    for t in KEXEC_TESTS:
        results += kexec_test(args, bins, t)
    lines = ["# upstream's LUO selftests (tools/testing/selftests/liveupdate)"
             " on make oracle-lu's kernel, QEMU arm64 virt, TCG"]
    for ok, name, secs in results:
        lines.append("%s %s%s" % ("ok" if ok else "not ok", name,
                                  " (%.1f s)" % secs if secs else ""))
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    bad = [n for ok, n, _ in results if not ok]
    print("  ORACLE-LU upstream LUO selftests: %d of %d passed%s"
          % (len(results) - len(bad), len(results),
             (": failed " + " ".join(bad)) if bad else ""), file=sys.stderr)
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
