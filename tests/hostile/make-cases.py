#!/usr/bin/env python3
"""Writes tests/hostile/*.cases: the hostile corpus of #14.

Each case: a command line, its input files, the exit status and the
substrings stderr must hold. The expected substrings were taken from
pcisim's messages after reading each one (it must name the problem and,
for a file, FILE:LINE:COL); tests/hostile/expect.tsv keeps them, so
rerunning this script rewrites the same cases. New cases get none until
expect.tsv has a line for them (make-cases.py --probe prints what pcisim
says).
"""
import os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
cases = {}          # file -> [(name, run, inputs{name: text}, exit)]


def add(group, name, run, inputs, exit=2):
    cases.setdefault(group, []).append((name, run, inputs, exit))


# ---- topology files ------------------------------------------------------
EP = "host\n  01.0 root-port id=1b36:000c\n    00.0 endpoint id=1b36:0010 class=010802 %s\n"
RP = "host\n  01.0 root-port id=1b36:000c %s\n    00.0 endpoint id=1b36:0010 class=010802\n"
RC = "host\n  02.0 rciep id=8086:10d3 class=020000 %s\n"
HO = "host %s\n  02.0 rciep id=8086:10d3 class=020000\n"


def topo(name, text, args="--quiet"):
    add("topo", name, "enumerate @in.topo " + args, {"in.topo": text})


ep_attrs = {
    # IDs
    "id-empty": "id=", "id-vendor-only": "id=1b36", "id-no-device": "id=1b36:",
    "id-device-5-digits": "id=1b36:00100", "id-vendor-non-hex": "id=xyz1:0010",
    "id-vendor-0000": "id=0000:0010", "id-vendor-ffff": "id=ffff:0010",
    "id-device-non-hex": "id=1b36:001g", "id-dash": "id=1b36-0010",
    "id-twice": "id=1b36:0010",
    "subsys-short": "subsys=1af4", "subsys-non-hex": "subsys=1af4:zz00",
    "class-5-digits": "class=01080", "class-7-digits": "class=0108022",
    "class-non-hex": "class=zzzzzz", "class-empty": "class=",
    "rev-3-digits": "rev=100", "rev-non-hex": "rev=g1", "rev-empty": "rev=",
    "pin-e": "pin=e", "pin-empty": "pin=", "pin-number": "pin=1",
    # BARs
    "bar-not-power-of-two": "bar0=mem32:100K", "bar-mem-too-small": "bar0=mem32:8",
    "bar-mem32-4G": "bar0=mem32:4G", "bar-io-too-small": "bar0=io:2",
    "bar-io-too-big": "bar0=io:512", "bar-unknown-kind": "bar0=mem33:4K",
    "bar-no-size": "bar0=mem32", "bar-empty-size": "bar0=mem32:",
    "bar-bad-suffix": "bar0=mem32:4X", "bar-size-zero": "bar0=mem32:0",
    "bar-size-negative": "bar0=mem32:-4K",
    "bar-size-2-to-64": "bar0=mem64:18446744073709551616",
    "bar-size-wraps-with-suffix": "bar0=mem64:17179869184G",
    "bar-size-huge-G": "bar0=pref64:99999999999999G",
    "bar-hex-empty": "bar0=mem32:0x", "bar6": "bar6=mem32:4K",
    "bar-upper-half-taken": "bar0=mem64:16K bar1=mem32:4K",
    "bar5-64bit": "bar5=mem64:4K", "bar-twice": "bar0=mem32:4K bar0=mem32:8K",
    "bar-empty": "bar0=", "bar-suffix-lowercase-kb": "bar0=mem32:4kb",
    "bar-io-pref": "bar0=prefio:16", "bar-none-value": "bar0=none:4K",
    # ROM
    "rom-too-small": "rom=1K", "rom-too-big": "rom=32M", "rom-not-power": "rom=3K",
    "rom-empty": "rom=", "rom-flag": "rom",
    # link
    "link-gen6": "link=gen6x1", "link-gen0": "link=gen0x1", "link-x3": "link=gen3x3",
    "link-x64": "link=gen3x64", "link-no-width": "link=gen3", "link-no-gen": "link=3x4",
    "link-empty": "link=",
    # slots and flags that do not apply
    "slot-on-endpoint": "slot=1", "hotplug-on-endpoint": "hotplug",
    "io-window-on-endpoint": "io", "pref-on-endpoint": "pref64",
    # capabilities
    "msix-0": "msix=0", "msix-2049": "msix=2049", "msix-abc": "msix=abc",
    "msix-empty": "msix=", "msi-with-value": "msi=1", "pm-and-no-pm": "pm no-pm",
    "aer-twice": "aer aer", "acs-value": "acs=1",
    # SR-IOV
    "sriov-0": "sriov=0 vf-offset=1 vf-stride=1",
    "sriov-65536": "sriov=65536 vf-offset=1 vf-stride=1",
    "sriov-no-offset": "sriov=4 vf-stride=1", "sriov-no-stride": "sriov=4 vf-offset=1",
    "vf-offset-0": "sriov=4 vf-offset=0 vf-stride=1",
    "vf-stride-0-many": "sriov=2 vf-offset=1 vf-stride=0",
    "vf-offset-65536": "sriov=4 vf-offset=65536 vf-stride=1",
    "vf-device-short": "sriov=4 vf-offset=1 vf-stride=1 vf-device=1",
    "vf-device-non-hex": "sriov=4 vf-offset=1 vf-stride=1 vf-device=zzzz",
    "vfbar-io": "sriov=4 vf-offset=1 vf-stride=1 vfbar0=io:16",
    "vfbar-not-power": "sriov=4 vf-offset=1 vf-stride=1 vfbar0=mem32:100K",
    "vfbar6": "sriov=4 vf-offset=1 vf-stride=1 vfbar6=mem32:4K",
    "vf-offset-without-sriov": "vf-offset=1",
    "vfs-past-bus-255": "ari sriov=65535 vf-offset=65535 vf-stride=65535",
    "sriov-and-no-sriov": "sriov=4 vf-offset=1 vf-stride=1 no-sriov",
    # raw
    "raw-offset-0x1000": "raw=0x1000:00", "raw-crosses-0x1000": "raw=0xfff:0000",
    "raw-odd-digits": "raw=0x40:0", "raw-non-hex": "raw=0x40:zz",
    "raw-no-bytes": "raw=0x40", "raw-empty-bytes": "raw=0x40:",
    "raw-overlap": "raw=0x40:0011 raw=0x41:22",
    "raw-offset-wraps": "raw=0xffffffffffffffff:00",
    "raw-offset-non-number": "raw=xyz:00",
    # preserve
    "preserve-value": "preserve=1",
    # unknown, malformed
    "unknown-attribute": "foo=1", "unknown-flag": "frobnicate",
    "equals-alone": "=", "key-empty": "=1",
    "id-spaces-around-equals": "id = 1b36:0010",
    "number-with-plus": "msix=+4", "number-hex-no-digits": "msix=0x",
    "number-wraps": "msix=18446744073709551617",
}
for n, a in ep_attrs.items():
    topo("endpoint-" + n, EP % a)

rp_attrs = {
    "slot-8192": "slot=8192", "slot-negative": "slot=-1", "slot-abc": "slot=abc",
    "hotplug-without-slot": "hotplug", "hotplug-and-no-hotplug": "slot=1 hotplug no-hotplug",
    "io16-and-io32": "io16 io32", "pref64-and-pref32": "pref64 pref32",
    "bar2-on-bridge": "bar2=mem32:4K", "bar1-64bit-on-bridge": "bar1=mem64:4K",
    "ari-on-root-port": "ari", "sriov-on-root-port": "sriov=1 vf-offset=1 vf-stride=1",
    "preserve-bridge": "preserve", "class-on-bridge-bad": "class=06040",
}
for n, a in rp_attrs.items():
    topo("root-port-" + n, RP % a)

rc_attrs = {"link-on-rciep": "link=gen3x4",
            "vfs-collide-with-sibling": "sriov=2 vf-offset=1 vf-stride=1"}
for n, a in rc_attrs.items():
    text = RC % a
    if n == "vfs-collide-with-sibling":
        text += "  02.1 rciep id=8086:10d3 class=020000\n"
    topo("rciep-" + n, text)

ho_attrs = {
    "domain-5-digits": "domain=10000", "domain-non-hex": "domain=xyz",
    "bus-past-ff": "bus=00-100", "bus-reversed": "bus=10-05", "bus-one-number": "bus=05",
    "bus-non-hex": "bus=zz-ff", "io-above-4G": "io=0x0-0x1ffffffff",
    "mem-reversed": "mem=0x20000000-0x10000000", "mem-not-numbers": "mem=a-b",
    "mem-no-dash": "mem=0x10000000", "mem-above-4G": "mem=0x100000000-0x1ffffffff",
    "mem-and-pref-overlap": "mem=0x10000000-0x1fffffff pref=0x18000000-0x2fffffff",
    "mem64-wraps": "mem64=0xffffffffffffffff-0x10",
    "mem-end-wraps": "mem=0x10000000-0x10000000000000000",
    "keep-buses-value": "keep-buses=1", "unknown": "nodes=4",
    "window-empty": "mem=", "window-twice": "mem=0x10000000-0x1fffffff mem=0x20000000-0x2fffffff",
}
for n, a in ho_attrs.items():
    topo("host-" + n, HO % a)

structure = {
    "empty-file": "",
    "comments-only": "# nothing\n\n   # still nothing\n",
    "host-only": "host\n",
    "template-only": "template nic endpoint id=8086:10d3 class=020000\n",
    "tab-indent": "host\n\t02.0 rciep id=8086:10d3 class=020000\n",
    "tab-after-spaces": "host\n  \t02.0 rciep id=8086:10d3 class=020000\n",
    "uneven-siblings": "host\n  01.0 root-port id=1b36:000c\n    00.0 endpoint id=1b36:0010 class=010802\n   02.0 rciep id=8086:10d3 class=020000\n",
    "host-indented": "  host\n  02.0 rciep id=8086:10d3 class=020000\n",
    "function-col1-with-host": "host\n  02.0 rciep id=8086:10d3 class=020000\n03.0 rciep id=8086:10d3 class=020000\n",
    "unknown-kind": "host\n  02.0 nic id=8086:10d3 class=020000\n",
    "no-kind": "host\n  02.0\n",
    "devfn-device-20": "host\n  20.0 rciep id=8086:10d3 class=020000\n",
    "devfn-function-8": "host\n  02.8 rciep id=8086:10d3 class=020000\n",
    "devfn-one-digit": "host\n  2.0 rciep id=8086:10d3 class=020000\n",
    "devfn-three-parts": "host\n  02.0.0 rciep id=8086:10d3 class=020000\n",
    "devfn-non-hex": "host\n  zz.0 rciep id=8086:10d3 class=020000\n",
    "devfn-no-function": "host\n  02 rciep id=8086:10d3 class=020000\n",
    "devfn-garbage": "host\n  hello rciep id=8086:10d3 class=020000\n",
    "duplicate-devfn": "host\n  02.0 rciep id=8086:10d3 class=020000\n  02.0 rciep id=8086:10d3 class=020000\n",
    "device-1-below-port": "host\n  01.0 root-port id=1b36:000c\n    01.0 endpoint id=1b36:0010 class=010802\n",
    "endpoint-on-root-bus": "host\n  02.0 endpoint id=8086:10d3 class=020000\n",
    "rciep-below-port": "host\n  01.0 root-port id=1b36:000c\n    00.0 rciep id=8086:10d3 class=020000\n",
    "switch-down-below-root-port": "host\n  01.0 root-port id=1b36:000c\n    00.0 switch-down id=104c:8233\n",
    "switch-up-on-root-bus": "host\n  01.0 switch-up id=104c:8232\n",
    "child-below-endpoint": "host\n  01.0 root-port id=1b36:000c\n    00.0 endpoint id=1b36:0010 class=010802\n      00.0 endpoint id=1b36:0010 class=010802\n",
    "child-below-host-bridge": "host\n  00.0 host-bridge id=1b36:0008\n    00.0 pci-device id=1b36:0010 class=010802\n",
    "pci-device-below-root-port": "host\n  01.0 root-port id=1b36:000c\n    00.0 pci-device id=1b36:0010 class=010802\n",
    "endpoint-no-id": "host\n  01.0 root-port id=1b36:000c\n    00.0 endpoint class=010802\n",
    "endpoint-no-class": "host\n  01.0 root-port id=1b36:000c\n    00.0 endpoint id=1b36:0010\n",
    "two-hosts-same-domain": "host mem=0x10000000-0x1fffffff\n  02.0 rciep id=8086:10d3 class=020000\nhost mem=0x20000000-0x2fffffff\n  02.0 rciep id=8086:10d3 class=020000\n",
    "two-bare-hosts": "host\n  02.0 rciep id=8086:10d3 class=020000\nhost domain=0001\n  02.0 rciep id=8086:10d3 class=020000\n",
    "hosts-windows-overlap": "host mem=0x10000000-0x1fffffff\n  02.0 rciep id=8086:10d3 class=020000\nhost domain=0001 mem=0x18000000-0x2fffffff\n  02.0 rciep id=8086:10d3 class=020000\n",
    "tree-past-bus-range": "host bus=00-01\n  01.0 root-port id=1b36:000c\n    00.0 switch-up id=104c:8232\n      00.0 switch-down id=104c:8233\n",
    "vfs-overlap-between-pfs": "host\n  01.0 root-port id=1b36:000c\n    00.0 endpoint id=8086:10fb class=020000 ari sriov=4 vf-offset=128 vf-stride=1\n    00.1 endpoint id=8086:10fb class=020000 ari sriov=4 vf-offset=128 vf-stride=1\n",
    "vfs-past-host-bus-range": "host bus=00-01\n  01.0 root-port id=1b36:000c\n    00.0 endpoint id=8086:10fb class=020000 ari sriov=512 vf-offset=1 vf-stride=1\n",
    "deeper-indent-below-leaf-at-root": "host\n  02.0 rciep id=8086:10d3 class=020000\n      03.0 rciep id=8086:10d3 class=020000\n",
    "dedent-to-unknown-level": "host\n  01.0 root-port id=1b36:000c\n      00.0 endpoint id=1b36:0010 class=010802\n     00.1 endpoint id=1b36:0010 class=010802\n",
    "line-no-newline-at-end": "host\n  02.0 rciep id=8086:10d3 class=020000 bar0=mem32:3K",
    "carriage-return-attr": "host\n  02.0 rciep id=8086:10d3 class=020000 bar0=mem32:3K\r\n",
    "very-long-token": "host\n  02.0 rciep id=8086:10d3 class=020000 " + "x" * 5000 + "\n",
    "many-attributes-unknown": "host\n  02.0 rciep id=8086:10d3 class=020000 " + " ".join("a%d" % i for i in range(300)) + "\n",
}
for n, t in structure.items():
    topo(n, t)

tmpl = {
    "template-indented": "host\n  template nic endpoint id=8086:10d3 class=020000\n",
    "template-kind-name": "template endpoint endpoint id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-uses-itself": "template nic nic id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-used-before-defined": "host\n  01.0 root-port id=1b36:000c\n    00.0 nic\ntemplate nic endpoint id=8086:10d3 class=020000\n",
    "template-bad-name": "template n!c endpoint id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-unknown-kind": "template nic widget id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-no-kind": "template nic\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-no-name": "template\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-defined-twice": "template nic endpoint id=8086:10d3 class=020000\ntemplate nic endpoint id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-instance-missing-id": "template nic endpoint class=020000\nhost\n  01.0 root-port id=1b36:000c\n    00.0 nic\n",
    "template-child-same-devfn": "template sw switch-up id=104c:8232\n  00.0 switch-down id=104c:8233\nhost\n  01.0 root-port id=1b36:000c\n    00.0 sw\n      00.0 switch-down id=104c:8233\n",
    "template-bad-attribute": "template nic endpoint id=8086:10d3 class=020000 bar0=mem32:3K\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-endpoint-with-children": "template nic endpoint id=8086:10d3 class=020000\n  00.0 endpoint id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-instance-in-wrong-place": "template nic endpoint id=8086:10d3 class=020000\nhost\n  02.0 nic\n",
    "template-cycle-two": "template a b id=8086:10d3 class=020000\ntemplate b a id=8086:10d3 class=020000\nhost\n  02.0 rciep id=8086:10d3 class=020000\n",
    "template-instance-bad-override": "template nic endpoint id=8086:10d3 class=020000\nhost\n  01.0 root-port id=1b36:000c\n    00.0 nic bar0=mem32:3K\n",
}
for n, t in tmpl.items():
    topo(n, t)

# the same files through run and draw, and gen: specs
add("topo", "run-bad-topology", "run @in.topo --log /dev/null", {"in.topo": EP % "bar0=mem32:100K"})
add("topo", "draw-bad-topology", "draw @in.topo -o @dir/x.dot", {"in.topo": EP % "bar0=mem32:100K"})
add("topo", "run-empty-topology", "run @in.topo --log /dev/null", {"in.topo": ""})
add("topo", "draw-tab-topology", "draw @in.topo -o @dir/x.dot", {"in.topo": "host\n\t02.0 rciep id=8086:10d3 class=020000\n"})
add("topo", "topology-is-a-directory", "enumerate @dir --quiet", {})
add("topo", "topology-missing", "enumerate @dir/nope.topo --quiet", {})
add("topo", "run-topology-is-a-directory", "run @dir --log /dev/null", {})
add("topo", "draw-topology-missing", "draw @dir/nope.topo -o @dir/x.dot", {})

# ---- options -------------------------------------------------------------
T = "tests/topo/T3_switch.topo"
opts = {
    "no-command": "", "unknown-command": "frobnicate", "command-typo": "enumrate",
    "help-with-a-topic": "help frobnicate",
    "enumerate-unknown-option": "enumerate --bogus",
    "enumerate-two-topologies": "enumerate %s %s --quiet" % (T, T),
    "enumerate-dump-no-arg": "enumerate %s --dump" % T,
    "enumerate-log-no-arg": "enumerate %s --log" % T,
    "enumerate-cmdline-no-arg": "enumerate %s --cmdline" % T,
    "enumerate-phases-no-arg": "enumerate %s --quiet --phases" % T,
    "enumerate-dump-dir-missing": "enumerate %s --quiet --dump @dir/no/such/dir/x" % T,
    "enumerate-dump-full": "enumerate %s --quiet --dump /dev/full" % T,
    "enumerate-log-full": "enumerate %s --log /dev/full" % T,
    "enumerate-log-a-directory": "enumerate %s --log @dir" % T,
    "enumerate-phases-full": "enumerate %s --quiet --phases /dev/full" % T,
    "enumerate-dump-a-directory": "enumerate %s --quiet --dump @dir" % T,
    "run-unknown-option": "run --bogus",
    "run-kexec-negative": "run %s --kexec -1" % T,
    "run-kexec-abc": "run %s --kexec abc" % T,
    "run-kexec-wraps": "run %s --kexec 18446744073709551617" % T,
    "run-kexec-trailing": "run %s --kexec 2x" % T,
    "run-kexec-no-arg": "run %s --kexec" % T,
    "run-preserve-bad-bdf": "run %s --preserve 0000:zz:00.0" % T,
    "run-preserve-empty": "run %s --preserve ''" % T,
    "run-preserve-commas": "run %s --preserve ,," % T,
    "run-preserve-function-8": "run %s --preserve 0000:01:00.8" % T,
    "run-preserve-device-20": "run %s --preserve 0000:01:20.0" % T,
    "run-preserve-no-such": "run %s --preserve 0000:42:00.0 --log /dev/null" % T,
    "run-preserve-twice": "run %s --preserve 0000:03:00.0,0000:03:00.0 --log /dev/null" % T,
    "run-preserve-bridge": "run %s --preserve 0000:00:01.0 --log /dev/null" % T,
    "run-preserve-no-arg": "run %s --preserve" % T,
    "run-fraction-0": "run %s --preserve-fraction 0" % T,
    "run-fraction-2": "run %s --preserve-fraction 2" % T,
    "run-fraction-nan": "run %s --preserve-fraction nan" % T,
    "run-fraction-negative": "run %s --preserve-fraction -0.5" % T,
    "run-fraction-abc": "run %s --preserve-fraction abc" % T,
    "run-fraction-and-preserve": "run %s --preserve-fraction 0.5 --preserve 0000:03:00.0" % T,
    "run-ram-3K": "run %s --ram 3K" % T, "run-ram-2T": "run %s --ram 2T" % T,
    "run-ram-abc": "run %s --ram abc" % T, "run-ram-0": "run %s --ram 0" % T,
    "run-ram-wraps": "run %s --ram 18446744073709551615G" % T,
    "run-vf-policy-bogus": "run %s --vf-policy bogus" % T,
    "run-vf-policy-no-arg": "run %s --vf-policy" % T,
    "run-cmdline-boot-past-last": "run %s --cmdline 5:pci=realloc" % T,
    "run-cmdline-no-arg": "run %s --cmdline" % T,
    "run-log-dir-missing": "run %s --log @dir/no/such/x" % T,
    "run-log-full": "run %s --log /dev/full" % T,
    "run-phases-dir-missing": "run %s --log /dev/null --phases @dir/no/such/x" % T,
    "run-state-dir-a-file": "run %s --log /dev/null --state-dir /dev/null" % T,
    "run-state-dir-no-arg": "run %s --state-dir" % T,
    "run-two-topologies": "run %s %s" % (T, T),
    "draw-no-output": "draw %s" % T, "draw-bad-extension": "draw %s -o @dir/x.txt" % T,
    "draw-output-dir-missing": "draw %s -o @dir/no/such/x.dot" % T,
    "draw-output-full": "draw %s -o /dev/full" % T,
    "draw-unknown-option": "draw %s -o @dir/x.dot --bogus" % T,
    "draw-preserve-bad": "draw %s -o @dir/x.dot --preserve 0000:zz:00.0" % T,
    "draw-preserve-no-such": "draw %s -o @dir/x.dot --preserve 0000:42:00.0" % T,
    "draw-o-no-arg": "draw %s -o" % T,
    "gen-unknown-option": "gen --bogus", "gen-functions-abc": "gen --functions abc",
    "gen-functions-wraps": "gen --functions 18446744073709551617",
    "gen-functions-and-domains": "gen --functions 100 --domains 2",
    "gen-domains-70000": "gen --domains 70000",
    "gen-depth-99": "gen --depth 99", "gen-depth-negative": "gen --depth -1",
    "gen-endpoints-0": "gen --endpoints 0", "gen-endpoints-257": "gen --endpoints 257",
    "gen-vfs-70000": "gen --vfs 70000", "gen-vfs-abc": "gen --vfs abc",
    "gen-root-ports-300": "gen --root-ports 300",
    "gen-bar-3K": "gen --bar 3K", "gen-bar-abc": "gen --bar abc",
    "gen-bar-kind-io": "gen --bar-kind io", "gen-o-full": "gen -o /dev/full",
    "gen-o-dir-missing": "gen -o @dir/no/such/x.topo", "gen-o-no-arg": "gen -o",
    "gen-spec-bad-number": "enumerate gen:functions=abc --quiet",
    "gen-spec-unknown-key": "enumerate gen:bogus=1 --quiet",
    "gen-spec-no-value": "enumerate gen:functions --quiet",
    "gen-spec-run": "run gen:depth=99",
    "gen-spec-draw": "draw gen:depth=1,fanout=0 -o @dir/x.dot",
    "gen-fanout-0": "gen --depth 1 --fanout 0", "gen-fanout-33": "gen --depth 1 --fanout 33",
    "run-preserve-empty-elements-only": "run %s --preserve ', ,'" % T,
    "draw-preserve-empty": "draw %s -o @dir/x.dot --preserve ''" % T,
    "run-state-dir-under-a-file": "run %s --log /dev/null --state-dir /dev/null/x" % T,
    "enumerate-cmdline-twice-topology-missing": "enumerate @dir/none.topo --cmdline pci=realloc",
    # refused after something was allocated: the SANITIZE=1 build checks
    # each of these early exits for leaks
    "run-preserve-then-bad-preserve": "run %s --preserve 0000:03:00.0 --preserve 0000:zz:00.0" % T,
    "run-preserve-then-bad-kexec": "run %s --preserve 0000:03:00.0 --kexec abc" % T,
    "run-preserve-then-bad-ram": "run %s --preserve 0000:03:00.0 --ram 3K" % T,
    "run-preserve-then-bad-cmdline-boot": "run %s --preserve 0000:03:00.0 --cmdline 3:pci=realloc" % T,
    "run-preserve-then-missing-topology": "run @dir/none.topo --preserve 0000:03:00.0",
    "run-preserve-then-log-dir-missing": "run %s --preserve 0000:03:00.0 --log @dir/no/such/x" % T,
    "run-preserve-then-state-dir-a-file": "run %s --preserve 0000:03:00.0 --log /dev/null --state-dir /dev/null" % T,
    "run-marks-then-log-dir-missing": "run --log @dir/no/such/x",
    "run-fraction-then-bad-topology": "run @dir/none.topo --preserve-fraction 0.5",
    "draw-preserve-then-bad-extension": "draw %s --preserve 0000:03:00.0 -o @dir/x.txt" % T,
    "draw-preserve-then-missing-topology": "draw @dir/none.topo --preserve 0000:03:00.0 -o @dir/x.dot",
    "draw-log-dir-missing": "draw %s -o @dir/x.dot --log @dir/no/such/x" % T,
    "enumerate-dump-then-missing-topology": "enumerate @dir/none.topo --dump @dir/x.dump",
    "enumerate-phases-dir-missing": "enumerate %s --quiet --phases @dir/no/such/x" % T,
    "gen-options-then-o-full": "gen --root-ports 2 --depth 1 --fanout 2 --vfs 2 -o /dev/full",
    "gen-spec-then-bad-option": "run gen:depth=1 --bogus",
    "import-resources-then-o-full": "import-lspci tests/oracle/T3_switch/lspci-boot.dump --resources tests/oracle/T3_switch/resources-boot.tsv -o /dev/full",
    "import-resources-bad-then-o": "import-lspci tests/oracle/T3_switch/lspci-boot.dump --resources tests/oracle/T1_single_endpoint/resources-boot.tsv -o @dir/x.topo",
    "import-no-dump": "import-lspci", "import-unknown-option": "import-lspci @dir/x --bogus",
    "import-missing": "import-lspci @dir/nope.dump",
    "import-a-directory": "import-lspci @dir",
    "import-resources-missing": "import-lspci tests/oracle/T1_single_endpoint/lspci-boot.dump --resources @dir/nope.tsv -o @dir/x.topo",
    "import-resources-no-arg": "import-lspci tests/oracle/T1_single_endpoint/lspci-boot.dump --resources",
    "import-o-full": "import-lspci tests/oracle/T1_single_endpoint/lspci-boot.dump -o /dev/full",
    "import-o-dir-missing": "import-lspci tests/oracle/T1_single_endpoint/lspci-boot.dump -o @dir/no/such/x.topo",
    "import-two-dumps": "import-lspci tests/oracle/T1_single_endpoint/lspci-boot.dump tests/oracle/T1_single_endpoint/lspci-boot.dump",
    "capture-unknown-option": "capture --bogus", "capture-o-no-arg": "capture -o",
}
for n, a in opts.items():
    add("options", n, a, {})

# ---- captures for import-lspci --------------------------------------------
def dump_of(path):
    with open(os.path.join(HERE, "..", "oracle", path)) as f:
        return f.read()

T1 = dump_of("T1_single_endpoint/lspci-boot.dump")
T1_lines = T1.split("\n")
first_fn = "\n".join(T1_lines[:17]) + "\n"     # 00:00.0, 16 lines of 256 bytes
hdr = "00:02.0 Ethernet controller: Device 8086:10d3\n"
cap = {
    "empty": "",
    "blank-lines-only": "\n\n\n",
    "header-only": hdr,
    "hex-before-header": "00: 36 1b 08 00 00 00 00 00 00 00 00 06 00 00 00 00\n" + T1,
    "truncated-hex-line": hdr + "00: 86 80 d3 10 07 00 10 00\n",
    "truncated-capture": first_fn + hdr + "00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "non-hex-byte": hdr + "00: 86 80 d3 1g 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "offset-non-hex": hdr + "z0: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "offset-not-multiple-of-16": hdr + "05: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "offset-past-4K": hdr + "1000: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "seventeen-bytes": hdr + "00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00 00\n",
    "three-digit-byte": hdr + "00: 86 80 d3 100 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "duplicate-function": T1 + first_fn,
    "header-bad-bdf-device-20": "00:20.0 Ethernet controller: Device 8086:10d3\n00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "header-bad-bdf-function-8": "00:02.8 Ethernet controller: Device 8086:10d3\n00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "header-garbage": "hello world\n00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "vendor-ffff": hdr + "00: ff ff ff ff 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "no-header-bytes": hdr + "10: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n",
    "binary-junk": "\x01\x02\x03 not a capture \x7f\n",
    "tv-output": "-[0000:00]-+-00.0  Red Hat, Inc. QEMU PCIe Host bridge\n           \\-02.0  Intel Corporation 82574L\n",
    "domain-bad": "zzzz:00:02.0 Ethernet controller: Device 8086:10d3\n00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "hex-line-no-colon": hdr + "00 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00\n",
    "vendor-ffff-64-bytes": hdr + "00: ff ff ff ff 07 00 10 00 00 00 00 02 00 00 00 00\n" + "".join("%02x: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n" % o for o in (0x10, 0x20, 0x30)),
    "header-type-7": hdr + "00: 86 80 d3 10 07 00 10 00 00 00 00 02 00 00 07 00\n" + "".join("%02x: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n" % o for o in (0x10, 0x20, 0x30)),
}
# -vvvxxxx captures: a function's -vvv lines, then its bytes
EP64 = "".join("%02x: %s\n" % (o, b) for o, b in (
    (0x00, "86 80 d3 10 07 00 10 00 00 00 00 02 00 00 00 00"),
    (0x10, "00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00"),
    (0x20, "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
    (0x30, "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")))
VHDR = "00:02.0 Ethernet controller: Intel Corporation 82574L\n"
vvv = {
    "region-9": "\tRegion 9: Memory at 10000000 (32-bit, non-prefetchable) [size=128K]\n",
    "region-no-colon": "\tRegion 0 Memory at 10000000 (32-bit, non-prefetchable) [size=128K]\n",
    "size-bad-unit": "\tRegion 0: Memory at 10000000 (32-bit, non-prefetchable) [size=128Q]\n",
    "size-empty": "\tRegion 0: Memory at 10000000 (32-bit, non-prefetchable) [size=]\n",
    "size-not-number": "\tRegion 0: Memory at 10000000 (32-bit, non-prefetchable) [size=big]\n",
    "size-wraps": "\tRegion 0: Memory at 10000000 (32-bit, non-prefetchable) [size=99999999999999999999G]\n",
}
for n, line in vvv.items():
    cap["vvv-" + n] = VHDR + line + EP64
cap["domain-past-ffff"] = "10000:00:02.0 Ethernet controller: Intel Corporation 82574L\n" + EP64

for n, t in cap.items():
    add("lspci", "capture-" + n, "import-lspci @in.dump -o @dir/out.topo", {"in.dump": t})

# ---- --resources files -----------------------------------------------------
RES_HDR = "bdf\tindex\tname\tkind\tstart\tend\tsize\tflags\tcfg_value\n"
good = "0000:00:02.0\t0\tBAR0\tmem\t0x10000000\t0x1001ffff\t0x20000\t0x40200\t0x10000000\n"
res = {
    "empty": "",
    "header-only-wrong": "bdf index name\n",
    "no-header": good,
    "too-few-columns": RES_HDR + "0000:00:02.0\t0\tBAR0\tmem\n",
    "too-many-columns": RES_HDR + good.rstrip("\n") + "\textra\n",
    "bdf-bad": RES_HDR + good.replace("0000:00:02.0", "0000:zz:02.0"),
    "index-7": RES_HDR + good.replace("\t0\tBAR0", "\t17\tBAR0"),
    "index-abc": RES_HDR + good.replace("\t0\tBAR0", "\tabc\tBAR0"),
    "start-after-end": RES_HDR + good.replace("0x10000000\t0x1001ffff", "0x1001ffff\t0x10000000"),
    "size-mismatch": RES_HDR + good.replace("\t0x20000\t", "\t0x30000\t"),
    "start-non-hex": RES_HDR + good.replace("0x10000000\t0x1001ffff", "0xzz\t0x1001ffff"),
    "size-zero": RES_HDR + good.replace("\t0x20000\t", "\t0x0\t"),
    "end-wraps": RES_HDR + "0000:00:02.0\t0\tBAR0\tmem\t0xffffffffffff0000\t0x1ffffffffffffffff\t0x20000\t0x40200\t0x10000000\n",
    "duplicate-row": RES_HDR + good + good,
    "bdf-not-in-capture": RES_HDR + good.replace("0000:00:02.0", "0000:00:07.0"),
    "spaces-not-tabs": RES_HDR + good.replace("\t", " "),
}
DUMP = "tests/oracle/T1_single_endpoint/lspci-boot.dump"
for n, t in res.items():
    add("resources", "resources-" + n, "import-lspci %s --resources @res.tsv -o @dir/out.topo" % DUMP, {"res.tsv": t})


# ---- writing ---------------------------------------------------------------
def load_expect():
    e = {}
    path = os.path.join(HERE, "expect.tsv")
    if os.path.exists(path):
        for line in open(path):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            f = line.split("\t")
            e[f[0]] = (int(f[1]), f[2:])
    return e


def write():
    expect = load_expect()
    for group, cs in cases.items():
        with open(os.path.join(HERE, group + ".cases"), "w") as f:
            f.write("# Generated by make-cases.py from its tables and expect.tsv.\n")
            for name, run, inputs, ex in cs:
                st, errs = expect.get(name, (ex, []))
                f.write("\n=== %s\nrun:%s\n" % (name, " " + run if run else ""))
                if st != 2:
                    f.write("exit: %d\n" % st)
                for e in errs:
                    f.write("err: %s\n" % e)
                for iname, text in inputs.items():
                    noeol = text and not text.endswith("\n")
                    f.write("--- %s%s\n" % (iname, " noeol" if noeol else ""))
                    f.write(text if not text or not noeol else text + "\n")


def probe(pcisim):
    for group, cs in cases.items():
        for name, run, inputs, ex in cs:
            with tempfile.TemporaryDirectory() as d:
                for iname, text in inputs.items():
                    open(os.path.join(d, iname), "w").write(text)
                args = run
                for iname in inputs:
                    args = args.replace("@" + iname, d + "/" + iname)
                args = args.replace("@dir", d)
                p = subprocess.run("timeout 20 %s %s" % (pcisim, args), shell=True,
                                   cwd=os.path.join(HERE, "..", ".."),
                                   capture_output=True, text=True, errors="replace")
                err = p.stderr.replace(d, "@dir")
                lines = [l for l in err.split("\n") if l][:2]
                san = [l for l in err.split("\n") if "Sanitizer" in l or "runtime error" in l or "#" in l[:6]]
                print("%s\t%d\t%s" % (name, p.returncode, " | ".join(lines)[:300]))
                if san:
                    print("SAN\t" + name + "\n" + "\n".join(san[:14]))


def message_line(err):
    """The line of stderr that names the problem (not the kernel's log)."""
    lines = err.split("\n")
    for l in lines:
        if ": error: " in l:
            return l
    for l in lines:
        if l.startswith(("pcisim", "@dir", "/dev/", "usage:")) and "warning:" not in l:
            return l
    return None


def record(pcisim):
    """expect.tsv lines for the cases that have none yet, from what pcisim
    says now: to be read, one by one, before they are kept."""
    expect = load_expect()
    out = open(os.path.join(HERE, "expect.tsv"), "a")
    for group, cs in cases.items():
        for name, run, inputs, ex in cs:
            if name in expect:
                continue
            with tempfile.TemporaryDirectory() as d:
                for iname, text in inputs.items():
                    open(os.path.join(d, iname), "w").write(text)
                args = run
                for iname in inputs:
                    args = args.replace("@" + iname, d + "/" + iname)
                args = args.replace("@dir", d)
                p = subprocess.run("timeout 20 %s %s" % (pcisim, args), shell=True,
                                   cwd=os.path.join(HERE, "..", ".."),
                                   capture_output=True, text=True, errors="replace")
                err = p.stderr.replace(d, "@dir")
            line = message_line(err)
            if line is None:
                print("NO MESSAGE\t%s\t%d" % (name, p.returncode))
                continue
            errs = []
            if ": error: " in line:
                where, msg = line.split(": error: ", 1)
                errs.append(where + ": error:")
            else:
                msg = line
            # the words that name the problem: up to 120 characters
            if len(msg) > 120:
                msg = msg[:120].rsplit(" ", 1)[0]
            errs.append(msg)
            out.write("\t".join([name, str(p.returncode)] + errs) + "\n")
            print("%s\t%d\t%s" % (name, p.returncode, " || ".join(errs)))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--record":
        record(os.path.abspath(os.path.join(HERE, "..", "..", "build/pcisim")))
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        probe(os.path.abspath(os.path.join(HERE, "..", "..", sys.argv[2] if len(sys.argv) > 2 else "build/pcisim")))
    else:
        write()
