# SPDX-License-Identifier: GPL-2.0
"""A KHO debugfs blob as text: a flattened device tree node by node (as
dtc would print it, values as strings where they are strings, else
32-bit cells and bytes), anything else as hex lines. Used by oracle_lu.py
for kho-*.txt; tests/test_oracle_lu.c reads the same format from pcisim.
"""
import struct

FDT_MAGIC = 0xd00dfeed


def _value(v):
    if v and v[-1] == 0 and all(32 <= b < 127 for s in v[:-1].split(b"\0")
                                for b in s) and b"\0\0" not in v:
        return ", ".join('"%s"' % s.decode() for s in v[:-1].split(b"\0"))
    if v and len(v) % 4 == 0:
        return "<%s>" % " ".join("0x%08x" % c for c in
                                 struct.unpack(">%dI" % (len(v) // 4), v))
    return "[%s]" % " ".join("%02x" % b for b in v)


def describe(name, blob):
    out = ["# %s: %d bytes" % (name, len(blob))]
    fdt = len(blob) >= 40 and struct.unpack(">I", blob[:4])[0] == FDT_MAGIC
    if fdt and struct.unpack(">I", blob[4:8])[0] > len(blob):
        # what KHO's debugfs shows of kho/out/fdt: the size the blob had
        # when debugfs was set up (oracle/lu/README.md)
        out[0] += ", an FDT truncated: its header says %d bytes" % \
            struct.unpack(">I", blob[4:8])[0]
        fdt = False
    if not fdt:
        for o in range(0, len(blob), 16):
            out.append("%04x: %s" % (o, " ".join("%02x" % b
                                                for b in blob[o:o + 16])))
        return "\n".join(out) + "\n"
    (_, _, off_struct, off_strings, _, version, _, _, size_strings,
     size_struct) = struct.unpack(">10I", blob[:40])
    out[0] += ", FDT version %d" % version
    strings = blob[off_strings:off_strings + size_strings]
    p, depth = off_struct, 0
    end = off_struct + size_struct
    while p + 4 <= end:
        tok = struct.unpack(">I", blob[p:p + 4])[0]
        p += 4
        if tok == 1:                                    # BEGIN_NODE
            nul = blob.index(b"\0", p)
            node = blob[p:nul].decode(errors="replace") or "/"
            out.append("%s%s {" % ("\t" * depth, node))
            depth += 1
            p = (nul + 4) & ~3
        elif tok == 2:                                  # END_NODE
            depth -= 1
            out.append("%s};" % ("\t" * depth))
        elif tok == 3:                                  # PROP
            ln, nameoff = struct.unpack(">II", blob[p:p + 8])
            p += 8
            pname = strings[nameoff:strings.index(b"\0", nameoff)].decode()
            out.append("%s%s = %s;" % ("\t" * depth, pname,
                                       _value(blob[p:p + ln])))
            p = (p + ln + 3) & ~3
        elif tok == 4:                                  # NOP
            continue
        else:                                           # END
            break
    return "\n".join(out) + "\n"
