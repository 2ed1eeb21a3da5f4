#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make oracle: what a real Linux 7.3 assigns, captured under QEMU.

    oracle/oracle.py --cache DIR --kernel-pkg PKG --work DIR --out DIR [NAME...]

For each topology oracle/topologies/NAME.qemu (QEMU -device lines, and an
optional 'cmdline:' line appended to the kernel command line), boot
Debian's arm64 kernel on QEMU's arm64 virt machine (TCG, no firmware: the
kernel assigns everything itself) with the initramfs of oracle/fetch.sh,
whose /init reports sysfs on the serial console; then write, in OUT/NAME/,
the files of the reference captures (README.md beside this file):

    qemu-cmd.txt run-info.txt dmesg.txt
    lspci-PHASE.dump resources-PHASE.tsv devices-PHASE.tsv iomem-PHASE.txt
    lspci-tv-PHASE.txt lspci-vvv-PHASE.txt

PHASE is boot, and sriov when the topology has an SR-IOV PF (VFs enabled
by /init through pci-pf-stub). A boot that times out or reports nothing
fails; nothing is ever written from anything but the console log.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BASE_CMDLINE = "console=ttyAMA0 panic=-1"

PCIE_TYPES = {
    0: "endpoint", 1: "legacy-endpoint", 4: "root-port",
    5: "switch-upstream", 6: "switch-downstream", 7: "pcie-to-pci-bridge",
    8: "pci-to-pcie-bridge", 9: "rc-integrated-endpoint",
    10: "rc-event-collector",
}
RES_NAMES = (["BAR%d" % i for i in range(6)] + ["ROM"] +
             ["VF_BAR%d" % i for i in range(6)] +
             ["BRIDGE_IO", "BRIDGE_MEM", "BRIDGE_PREF", "BRIDGE_4"])
IORESOURCE_IO = 0x100
IORESOURCE_MEM = 0x200
IORESOURCE_PREFETCH = 0x2000
IORESOURCE_MEM_64 = 0x100000


def read_topology(path):
    devices, extra = [], ""
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("cmdline:"):
                extra = line[len("cmdline:"):].strip()
            elif line.startswith("-device "):
                devices += ["-device", line[len("-device "):].strip()]
            else:
                sys.exit("%s: expected '-device ...' or 'cmdline: ...': %s"
                         % (path, line))
    cmdline = BASE_CMDLINE + (" " + extra if extra else "")
    return devices, cmdline


def qemu_argv(cache_pkg, console, cmdline, devices):
    return ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57",
            "-smp", "2", "-m", "1024", "-nodefaults", "-nic", "none",
            "-display", "none", "-no-reboot",
            "-serial", "file:" + console,
            "-kernel", cache_pkg + "/vmlinuz",
            "-initrd", cache_pkg + "/initrd.gz",
            "-append", cmdline] + devices


# ---- the console log -------------------------------------------------------

def parse_phases(text):
    """The report.sh blocks of a console log: {phase: [dev]}, {phase: iomem}."""
    phases, iomem = {}, {}
    for pm in re.finditer(r"^@@PHASE (\w+)\n(.*?)^@@END \1$", text,
                          re.M | re.S):
        phase, body = pm.group(1), pm.group(2)
        body, _, io = body.partition("@@IOMEM\n")
        iomem[phase] = io
        devs = []
        for block in body.split("@@DEV ")[1:]:
            bdf, _, rest = block.partition("\n")
            attrs = dict(re.findall(r"^@@(\w+) (.*)$", rest, re.M))
            cfg_txt = rest.split("@@CONFIG\n", 1)[1].split("@@RESOURCE\n", 1)
            cfg = bytes(int(x, 16) for x in cfg_txt[0].split())
            res = []
            for line in cfg_txt[1].splitlines():
                f = line.split()
                if len(f) == 3:
                    res.append(tuple(int(x, 16) for x in f))
            devs.append({"bdf": bdf.strip(), "attrs": attrs, "cfg": cfg,
                         "res": res})
        phases[phase] = devs
    return phases, iomem


def parse_console(text):
    """Phases: {phase: [dev]}, the iomem text per phase, dmesg, cmdline."""
    text = text.replace("\r", "")
    m = re.search(r"^@@ORACLE (.*)$", text, re.M)
    if not m or "@@DONE" not in text:
        return None
    cmdline = m.group(1).strip()
    phases, iomem = parse_phases(text)
    dmesg = text.split("@@DMESG\n", 1)[1].split("@@DONE", 1)[0]
    return {"cmdline": cmdline, "phases": phases, "iomem": iomem,
            "dmesg": dmesg}


def u16(c, o):
    return c[o] | c[o + 1] << 8


def u32(c, o):
    return u16(c, o) | u16(c, o + 2) << 16


def find_cap(cfg, cap_id):
    if len(cfg) < 64 or not (u16(cfg, 6) & 0x10):
        return None
    pos, seen = cfg[0x34] & 0xfc, 0
    while pos and seen < 48 and pos + 1 < len(cfg):
        if cfg[pos] == cap_id:
            return pos
        pos, seen = cfg[pos + 1] & 0xfc, seen + 1
    return None


def vf_fixed_cfg(dev):
    """A VF reads 0xffff as IDs; a live lspci shows sysfs' (README)."""
    cfg = bytearray(dev["cfg"])
    if dev["attrs"].get("physfn", "-") != "-":
        v = int(dev["attrs"]["vendor"], 16)
        d = int(dev["attrs"]["device"], 16)
        cfg[0:4] = bytes([v & 0xff, v >> 8, d & 0xff, d >> 8])
    return bytes(cfg)


def lspci_dump(devs):
    out = []
    for dev in devs:
        cfg = vf_fixed_cfg(dev)
        dom, bus, df = dev["bdf"].split(":")
        slot = (dev["bdf"] if dom != "0000" else bus + ":" + df)
        lines = ["%s Class %02x%02x: Device %04x:%04x"
                 % (slot, cfg[0xb], cfg[0xa], u16(cfg, 0), u16(cfg, 2))]
        for o in range(0, len(cfg), 16):
            lines.append("%02x: %s" % (o, " ".join("%02x" % b
                                                  for b in cfg[o:o + 16])))
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def res_kind(flags):
    if flags & IORESOURCE_IO:
        return "io"
    kind = "mem64" if flags & IORESOURCE_MEM_64 else "mem"
    return kind + ("-pref" if flags & IORESOURCE_PREFETCH else "")


def bar_value(cfg, i):
    """The BAR register (both halves of a 64-bit one) as the sample shows."""
    o = 0x10 + 4 * i
    if o + 4 > len(cfg) or 0x10 + 4 * i > (0x24 if (cfg[0xe] & 0x7f) == 0
                                           else 0x14):
        return "-"
    lo = u32(cfg, o)
    if not lo & 1 and (lo & 6) == 4 and o + 8 <= len(cfg):
        return "0x%016x" % (u32(cfg, o + 4) << 32 | lo)
    return "0x%08x" % lo


def resources_tsv(devs):
    rows = ["bdf\tindex\tname\tkind\tstart\tend\tsize\tflags\tcfg_value"]
    for dev in devs:
        cfg = dev["cfg"]
        for i, (s, e, fl) in enumerate(dev["res"]):
            if not fl and not s and not e:
                continue
            size = e - s + 1 if e or s else 0
            if i < 6:
                cv = bar_value(cfg, i)
            elif i == 6:
                o = 0x30 if (cfg[0xe] & 0x7f) == 0 else 0x38
                cv = "0x%08x" % u32(cfg, o)
            else:
                cv = "-"
            rows.append("%s\t%d\t%s\t%s\t%#x\t%#x\t%#x\t%#x\t%s" % (
                dev["bdf"], i, RES_NAMES[i], res_kind(fl), s, e, size, fl, cv))
    return "\n".join(rows) + "\n"


def windows(cfg):
    """The bridge windows as programmed in config space ('-' if closed)."""
    io_lo, io_hi = cfg[0x1c], cfg[0x1d]
    io_b = (io_lo & 0xf0) << 8
    io_l = (io_hi & 0xf0) << 8 | 0xfff
    if io_lo & 0xf == 1:
        io_b |= u16(cfg, 0x30) << 16
        io_l |= u16(cfg, 0x32) << 16
    mem_b = (u16(cfg, 0x20) & 0xfff0) << 16
    mem_l = (u16(cfg, 0x22) & 0xfff0) << 16 | 0xfffff
    pf_b = (u16(cfg, 0x24) & 0xfff0) << 16
    pf_l = (u16(cfg, 0x26) & 0xfff0) << 16 | 0xfffff
    if u16(cfg, 0x24) & 0xf == 1:
        pf_b |= u32(cfg, 0x28) << 32
        pf_l |= u32(cfg, 0x2c) << 32
    fmt = lambda b, l: "%x-%x" % (b, l) if b <= l else "-"
    return fmt(io_b, io_l), fmt(mem_b, mem_l), fmt(pf_b, pf_l)


def devices_tsv(devs):
    rows = ["\t".join(["bdf", "vendor:device", "class", "hdr_type",
                       "multifunction", "pcie_type", "parent", "primary",
                       "secondary", "subordinate", "cfg_io_window",
                       "cfg_mem_window", "cfg_pref_window", "sriov_totalvfs",
                       "sriov_numvfs", "sriov_offset", "sriov_stride",
                       "physfn", "driver", "cfg_size"])]
    for dev in devs:
        a, cfg = dev["attrs"], dev["cfg"]
        hdr = cfg[0xe] & 0x7f
        pcie = find_cap(cfg, 0x10)
        ptype = ("conventional" if pcie is None else
                 PCIE_TYPES.get(u16(cfg, pcie + 2) >> 4 & 0xf, "?"))
        if hdr == 1:
            bus = ["%02x" % cfg[0x18], "%02x" % cfg[0x19], "%02x" % cfg[0x1a]]
            win = list(windows(cfg))
        else:
            bus, win = ["-"] * 3, ["-"] * 3
        sriov = [a.get(k, "-") for k in ("sriov_totalvfs", "sriov_numvfs",
                                         "sriov_offset", "sriov_stride")]
        rows.append("\t".join(
            [dev["bdf"], "%s:%s" % (a["vendor"][2:], a["device"][2:]),
             a["class"][2:], str(hdr), str(cfg[0xe] >> 7), ptype,
             a["parent"]] + bus + win + sriov +
            [a.get("physfn", "-"), a.get("driver", "-"), str(len(cfg))]))
    return "\n".join(rows) + "\n"


def size_str(x):
    """pciutils' show_size(): 4K, 2M, 32."""
    suffix = ["", "K", "M", "G", "T"]
    i = 0
    while i < len(suffix) - 1 and x % 1024 == 0:
        x //= 1024
        i += 1
    return "%d%s" % (x, suffix[i])


def vvv_sized(text, devs):
    """lspci -vvvxxxx of a dump with the [size=] a live lspci adds.

    lspci -F knows no sizes; a live one prints them on BAR lines from
    sysfs. They come from the kernel's resources: 'Region N' of the
    header is resource N, 'Region N' of the SR-IOV capability (indented
    twice) resource 7+N, whose size is over all TotalVFs (pciutils 3.9
    prints none there; tests/test_import.c wants them)."""
    res = {}
    for dev in devs:
        bdf = dev["bdf"]
        slot = bdf[5:] if bdf.startswith("0000:") else bdf
        res[slot] = dev["res"]
    out, cur = [], None
    for line in text.split("\n"):
        m = re.match(r"^([0-9a-f:.]+) ", line)
        if m and not line.startswith("\t"):
            cur = res.get(m.group(1))
        m = re.match(r"^(\t\t?)Region (\d): .* at (?!<unassigned>)", line)
        if m and cur is not None:
            i = int(m.group(2)) + (7 if len(m.group(1)) == 2 else 0)
            if i < len(cur) and cur[i][2]:
                s, e, _ = cur[i]
                line += " [size=%s]" % size_str(e - s + 1)
        out.append(line)
    return "\n".join(out)


# ---- one topology ----------------------------------------------------------

def run_one(name, args, versions, host_tools):
    topo = os.path.join(args.topologies, name + ".qemu")
    devices, cmdline = read_topology(topo)
    work = os.path.join(args.work, name)
    out = os.path.join(args.out, name)
    os.makedirs(work, exist_ok=True)
    console = os.path.join(work, "console.raw")
    if os.path.exists(console):
        os.unlink(console)
    cache_pkg = os.path.join(args.cache, args.kernel_pkg)
    argv = qemu_argv(cache_pkg, console, cmdline, devices)
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, text=True,
                           stderr=subprocess.PIPE, timeout=args.timeout)
        rc = r.returncode
        # NICs are deliberately unconnected (-nic none): not worth a line
        for line in r.stderr.splitlines():
            if not line.endswith("has no peer"):
                print(line, file=sys.stderr)
    except subprocess.TimeoutExpired:
        rc = "timeout"
    wall = time.monotonic() - t0
    with open(console, errors="replace") as f:
        text = f.read()
    cap = parse_console(text)
    if rc != 0 or cap is None or "boot" not in cap["phases"]:
        print("  ORACLE  %s: FAILED (qemu %s after %.0f s); console: %s"
              % (name, rc, wall, console), file=sys.stderr)
        return False
    if cap["cmdline"] != cmdline:
        print("  ORACLE  %s: kernel saw '%s', not '%s'"
              % (name, cap["cmdline"], cmdline), file=sys.stderr)
        return False
    os.makedirs(out, exist_ok=True)
    # lspci-vvvxxxx-PHASE.txt (import-lspci's input in tests/test_import.c)
    # is made again where there was one
    sized = set()
    for f in os.listdir(out):
        if f.startswith("lspci-vvvxxxx-"):
            sized.add(f[len("lspci-vvvxxxx-"):-len(".txt")])
        if f.endswith((".dump", ".tsv", ".txt")):
            os.unlink(os.path.join(out, f))

    def write(fname, text):
        with open(os.path.join(out, fname), "w") as f:
            f.write(text)

    shown = [a.replace(cache_pkg, "<cache>/<kernel_pkg>")
              .replace(console, "<out>/console.raw") for a in argv]
    write("qemu-cmd.txt",
          "# QEMU command used for %s (<cache> = $ORACLE_CACHE, <out> = "
          "build/oracle/%s)\n%s\n" % (name, name, " ".join(
              shlex.quote(a) if a == cmdline else a for a in shown)))
    for phase, devs in cap["phases"].items():
        dump = "lspci-%s.dump" % phase
        write(dump, lspci_dump(devs))
        write("resources-%s.tsv" % phase, resources_tsv(devs))
        write("devices-%s.tsv" % phase, devices_tsv(devs))
        write("iomem-%s.txt" % phase, cap["iomem"][phase])
        for opt in ("tv", "vvv"):
            r = subprocess.run(["lspci", "-F", os.path.join(out, dump),
                                "-" + opt], capture_output=True, text=True)
            write("lspci-%s-%s.txt" % (opt, phase), r.stdout)
        if phase in sized:
            r = subprocess.run(["lspci", "-F", os.path.join(out, dump),
                                "-vvvxxxx"], capture_output=True, text=True)
            write("lspci-vvvxxxx-%s.txt" % phase, vvv_sized(r.stdout, devs))
    write("dmesg.txt", cap["dmesg"])
    write("run-info.txt", "".join("%s=%s\n" % kv for kv in [
        ("topology", name), ("qemu_rc", rc), ("wall_seconds", "%.1f" % wall),
        ("cmdline", cmdline), host_tools[0]] + versions + host_tools[1:]))
    n = len(cap["phases"]["boot"])
    print("  ORACLE  %s: %d functions%s, %.0f s" % (
        name, n, ", %d with VFs" % len(cap["phases"]["sriov"])
        if "sriov" in cap["phases"] else "", wall), file=sys.stderr)
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--kernel-pkg", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--topologies", default=os.path.join(HERE, "topologies"),
                    help="where NAME.qemu files are (oracle/topologies)")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()
    names = args.names or sorted(
        f[:-5] for f in os.listdir(args.topologies) if f.endswith(".qemu"))
    versions = []
    with open(os.path.join(args.cache, args.kernel_pkg, "versions.txt")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            if k != "kernel_release":
                versions.append((k, v))
    qemu = subprocess.run(["qemu-system-aarch64", "--version"],
                          capture_output=True, text=True).stdout
    lspci = subprocess.run(["lspci", "--version"], capture_output=True,
                           text=True).stdout
    host = [("qemu", qemu.splitlines()[0]),
            ("host_lspci", lspci.strip())]
    failed = [n for n in names if not run_one(n, args, versions, host)]
    if failed:
        sys.exit("make oracle: failed: " + " ".join(failed))


if __name__ == "__main__":
    main()
