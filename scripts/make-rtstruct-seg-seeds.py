#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the tiny seed files of fuzz/corpus/rtstruct/ and fuzz/corpus/seg/
(built here from scratch, no corpus file copied).
Run: python3 scripts/make-rtstruct-seg-seeds.py"""
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus")
LONG = {b"OB", b"OW", b"SQ", b"UN", b"UT"}


def el(g, e, vr, v):
    if isinstance(v, str):
        v = v.encode()
    if len(v) % 2:
        v += b"\0" if vr in (b"UI", b"OB") else b" "
    if vr in LONG:
        return struct.pack("<HH", g, e) + vr + b"\0\0" + struct.pack("<I", len(v)) + v
    return struct.pack("<HH", g, e) + vr + struct.pack("<H", len(v)) + v


def us(g, e, v):
    return el(g, e, b"US", struct.pack("<H", v))


def seq(g, e, items):
    body = b"".join(struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + it +
                    struct.pack("<HHI", 0xFFFE, 0xE00D, 0) for it in items)
    return (struct.pack("<HH", g, e) + b"SQ\0\0" + struct.pack("<I", 0xFFFFFFFF) + body +
            struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))


def part10(sop, body):
    meta = el(2, 1, b"OB", b"\0\1") + el(2, 2, b"UI", sop) + el(2, 3, b"UI", "1.2.3.4") + \
        el(2, 0x10, b"UI", "1.2.840.10008.1.2.1")
    return b"\0" * 128 + b"DICM" + el(2, 0, b"UL", struct.pack("<I", len(meta))) + meta + \
        el(8, 0x16, b"UI", sop) + body


def contour(kind, pts, z):
    data = "\\".join("%g\\%g\\%g" % (x, y, z) for x, y in pts)
    return el(0x3006, 0x42, b"CS", kind) + el(0x3006, 0x46, b"IS", str(len(pts))) + \
        el(0x3006, 0x50, b"DS", data)


def rtstruct(contours, kind_of_second="POINT"):
    ss = seq(0x3006, 0x20, [el(0x3006, 0x22, b"IS", "1") + el(0x3006, 0x26, b"LO", "A"),
                            el(0x3006, 0x22, b"IS", "2") + el(0x3006, 0x26, b"LO", "P")])
    rc = seq(0x3006, 0x39, [seq(0x3006, 0x40, contours) + el(0x3006, 0x84, b"IS", "1"),
                            seq(0x3006, 0x40, [contour(kind_of_second, [(1, 1)], 1)]) +
                            el(0x3006, 0x84, b"IS", "2")])
    return part10("1.2.840.10008.5.1.4.1.1.481.3", ss + rc)


def seg(sop, kind, bits, frames, pixels, labelmap=False):
    body = us(0x28, 2, 1) + el(0x28, 4, b"CS", "MONOCHROME2") + \
        el(0x28, 8, b"IS", str(len(frames))) + us(0x28, 0x10, 3) + us(0x28, 0x11, 5) + \
        us(0x28, 0x100, bits) + us(0x28, 0x101, bits) + us(0x28, 0x102, bits - 1) + \
        us(0x28, 0x103, 0) + el(0x62, 1, b"CS", kind)
    body += seq(0x62, 2, [us(0x62, 4, s) + el(0x62, 5, b"LO", "s%d" % s) +
                          el(0x62, 8, b"CS", "MANUAL") for s in (1, 2)])
    if kind == "FRACTIONAL":
        body += us(0x62, 0xE, 255)
    body += seq(0x5200, 0x9229, [seq(0x20, 0x9116, [el(0x20, 0x37, b"DS", "1\\0\\0\\0\\1\\0")])])
    items = []
    for segno, z in frames:
        it = seq(0x20, 0x9113, [el(0x20, 0x32, b"DS", "0\\0\\%g" % z)])
        if not labelmap:
            it += seq(0x62, 0xA, [us(0x62, 0xB, segno)])
        items.append(it)
    body += seq(0x5200, 0x9230, items)
    body += el(0x7FE0, 0x10, b"OB", pixels)
    return part10(sop, body)


def write(folder, name, data):
    os.makedirs(os.path.join(ROOT, folder), exist_ok=True)
    with open(os.path.join(ROOT, folder, name), "wb") as f:
        f.write(data)


def main():
    sq = [(1.5, 1.5), (5.5, 1.5), (5.5, 4.5), (1.5, 4.5)]
    write("rtstruct", "square.dcm", rtstruct([contour("CLOSED_PLANAR", sq, 1)]))
    write("rtstruct", "hole.dcm", rtstruct([
        contour("CLOSED_PLANAR", [(0.5, 0.5), (8.5, 0.5), (8.5, 8.5), (0.5, 8.5)], 0),
        contour("CLOSED_PLANAR", [(2.5, 2.5), (5.5, 2.5), (5.5, 5.5), (2.5, 5.5)], 0)]))
    write("rtstruct", "between.dcm", rtstruct([contour("CLOSED_PLANAR", sq, 1.5)]))
    write("rtstruct", "open.dcm", rtstruct([contour("OPEN_PLANAR", sq, 2)], "CLOSED_PLANAR"))
    # 1-bit, 5x3 frames: the second starts at bit 15
    write("seg", "binary_1bit.dcm", seg("1.2.840.10008.5.1.4.1.1.66.4", "BINARY", 1,
                                        [(1, 0), (2, 2)], bytes([0xFF, 0xFF, 0x00, 0x20])))
    write("seg", "fractional.dcm", seg("1.2.840.10008.5.1.4.1.1.66.4", "FRACTIONAL", 8,
                                       [(1, 1)], bytes(range(0, 240, 16)) + b"\0"))
    write("seg", "labelmap.dcm", seg("1.2.840.10008.5.1.4.1.1.66.7", "LABELMAP", 8,
                                     [(0, 0), (0, 1)], bytes([0, 1, 2] * 10), labelmap=True))
    write("seg", "off_grid.dcm", seg("1.2.840.10008.5.1.4.1.1.66.4", "BINARY", 1,
                                     [(1, 0), (2, 9.5)], bytes([0xFF, 0xFF, 0x00, 0x20])))


if __name__ == "__main__":
    main()
