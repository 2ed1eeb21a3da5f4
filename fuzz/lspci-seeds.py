#!/usr/bin/env python3
"""Seeds for fuzz-lspci from the reference captures in tests/oracle/.

The captures are large (lspci -xxxx: 4 KiB of config per function, as
hex). Seeds are cut from them: runs of functions with their config bytes
shortened to 256 (lspci -xxx) or 64 (lspci -x), the decoding lines of the
-vvv captures that carry sizes, one SR-IOV PF with its 4 KiB, and a
capture followed by its resources file after a "%%" line.
Usage: lspci-seeds.py ORACLE_DIR OUT_DIR
"""
import glob
import os
import re
import sys

HDR = re.compile(r'^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] ')
HEX = re.compile(r'^[0-9a-f]{2,3}: ')
KEEP = ('Region', 'Expansion ROM', 'Capabilities: [', 'VF offset')


def functions(path):
    fns, cur = [], None
    for line in open(path, encoding='utf-8', errors='replace'):
        if HDR.match(line):
            cur = {'hdr': line, 'dec': [], 'hex': []}
            fns.append(cur)
        elif cur is None:
            continue
        elif HEX.match(line):
            cur['hex'].append(line)
        elif line.startswith('\t'):
            cur['dec'].append(line)
    return fns


def text(fns, nbytes, decoding=False):
    out = []
    for f in fns:
        out.append(f['hdr'])
        if decoding:
            out += [d for d in f['dec'] if any(k in d for k in KEEP)]
        out += f['hex'][:nbytes // 16]
        out.append('\n')
    return ''.join(out)


def main():
    oracle, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    seeds = {}
    for path in sorted(glob.glob(os.path.join(oracle, '*', 'lspci-*'))):
        fns = [f for f in functions(path) if f['hex']]
        if not fns:
            continue
        name = os.path.basename(os.path.dirname(path)) + '-' + \
            os.path.basename(path).split('.')[0]
        vvv = any(f['dec'] for f in fns)
        # runs of at most 4 functions, -xxx
        for i in range(0, min(len(fns), 12), 4):
            seeds['%s-%d-xxx' % (name, i)] = text(fns[i:i + 4], 256, vvv)
        seeds[name + '-x'] = text(fns[:6], 64)
        # a function with extended capabilities, all of it
        for i, f in enumerate(fns):
            if len(f['hex']) == 256 and any('SR-IOV' in d for d in f['dec']):
                seeds[name + '-sriov-pf'] = text(fns[max(i - 1, 0):i], 256) + \
                    text([f], 4096, True)
                break
        res = os.path.join(os.path.dirname(path), 'resources-' +
                           os.path.basename(path).split('-')[-1].split('.')[0] + '.tsv')
        if os.path.exists(res) and len(fns) <= 12:
            seeds[name + '-resources'] = text(fns, 256) + '%%\n' + open(res).read()
    for name, body in seeds.items():
        with open(os.path.join(outdir, name), 'w') as f:
            f.write(body)


main()
