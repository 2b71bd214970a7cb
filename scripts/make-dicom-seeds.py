#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the tiny DICOM seed files of fuzz/corpus/dicom/ (built here from
scratch, no corpus file copied). Run: python3 scripts/make-dicom-seeds.py"""
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "dicom")
LONG = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}


def pad(v, vr):
    if len(v) % 2:
        v += b"\0" if vr in (b"UI", b"OB", b"UN") else b" "
    return v


def el(g, e, vr, v, be=False, implicit=False, undefined=False):
    o = ">" if be else "<"
    v = pad(v, vr)
    n = 0xFFFFFFFF if undefined else len(v)
    if implicit:
        return struct.pack(o + "HHI", g, e, n) + v
    if vr in LONG:
        return struct.pack(o + "HH", g, e) + vr + b"\0\0" + struct.pack(o + "I", n) + v
    return struct.pack(o + "HH", g, e) + vr + struct.pack(o + "H", n) + v


def tag(g, e, n, be=False):
    return struct.pack((">" if be else "<") + "HHI", g, e, n)


def meta(ts):
    body = el(2, 1, b"OB", b"\0\1") + el(2, 0x10, b"UI", ts.encode())
    return b"\0" * 128 + b"DICM" + el(2, 0, b"UL", struct.pack("<I", len(body))) + body


def image(rows, cols, ba, spp=1, frames=None, pr=0, be=False, implicit=False, photometric=b"MONOCHROME2"):
    us = lambda g, e, v: el(g, e, b"US", struct.pack((">" if be else "<") + "H", v), be, implicit)
    s = el(8, 0x60, b"CS", b"OT", be, implicit)
    s += us(0x28, 2, spp) + el(0x28, 4, b"CS", photometric, be, implicit)
    if frames:
        s += el(0x28, 8, b"IS", str(frames).encode(), be, implicit)
    s += us(0x28, 0x10, rows) + us(0x28, 0x11, cols) + us(0x28, 0x100, ba)
    s += us(0x28, 0x101, ba) + us(0x28, 0x102, ba - 1) + us(0x28, 0x103, pr)
    return s


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    # explicit VR LE, 8-bit 4x4
    write("explicit_le_u8.dcm", meta("1.2.840.10008.1.2.1") + image(4, 4, 8)
          + el(0x7FE0, 0x10, b"OB", bytes(range(16))))
    # implicit VR LE without File Meta, nested sequences of undefined length, 16-bit signed
    seq = tag(8, 0x1115, 0xFFFFFFFF) + tag(0xFFFE, 0xE000, 0xFFFFFFFF)
    seq += el(0x20, 0xE, b"UI", b"1.2.3", implicit=True)
    seq += tag(8, 0x1140, 0xFFFFFFFF) + tag(0xFFFE, 0xE000, 0xFFFFFFFF)
    seq += el(8, 0x1155, b"UI", b"1.2.4", implicit=True)
    seq += tag(0xFFFE, 0xE00D, 0) + tag(0xFFFE, 0xE0DD, 0)
    seq += tag(0xFFFE, 0xE00D, 0) + tag(0xFFFE, 0xE0DD, 0)
    write("implicit_nometa_seq.dcm", el(8, 5, b"CS", b"ISO_IR 100", implicit=True) + seq
          + image(2, 2, 16, pr=1, implicit=True)[len(el(8, 0x60, b"CS", b"OT", implicit=True)):]
          + el(0x10, 0x10, b"PN", "Buc^J\u00e9r\u00f4me".encode("latin-1"), implicit=True)
          + el(0x7FE0, 0x10, b"OW", struct.pack("<4h", -2, -1, 0, 1), implicit=True))
    # explicit VR big endian, 16-bit, 2 frames
    write("explicit_be_2frames.dcm", meta("1.2.840.10008.1.2.2") + image(2, 2, 16, frames=2, be=True)
          + el(0x7FE0, 0x10, b"OW", struct.pack(">8H", *range(8)), be=True))
    # deflated explicit VR LE
    ds = image(2, 2, 8) + el(0x7FE0, 0x10, b"OB", b"\1\2\3\4")
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    write("deflated.dcm", meta("1.2.840.10008.1.2.1.99") + c.compress(ds) + c.flush())
    # RLE, one frame 2x2 8-bit, Basic Offset Table with one entry
    seg = bytes([3, 10, 20, 30, 40])
    rle = struct.pack("<16I", 1, 64, *([0] * 14)) + seg
    enc = tag(0xFFFE, 0xE000, 4) + struct.pack("<I", 0) + tag(0xFFFE, 0xE000, len(pad(rle, b"OB"))) + pad(rle, b"OB")
    enc += tag(0xFFFE, 0xE0DD, 0)
    write("rle_bot.dcm", meta("1.2.840.10008.1.2.5") + image(2, 2, 8)
          + el(0x7FE0, 0x10, b"OB", b"", undefined=True)[:-0 or None] + enc)
    # 1-bit, 3x3, 2 frames, not byte-aligned
    write("bits_2frames.dcm", meta("1.2.840.10008.1.2.1") + image(3, 3, 1, frames=2)
          + el(0x7FE0, 0x10, b"OB", bytes([0xA5, 0x5A, 0xFF])))
    # UN of undefined length holding an implicit VR sequence, and a private creator
    un = struct.pack("<HH", 0x29, 0x1010) + b"UN\0\0" + struct.pack("<I", 0xFFFFFFFF)
    un += tag(0xFFFE, 0xE000, 0xFFFFFFFF) + el(0x28, 0x10, b"US", b"\7\0", implicit=True)
    un += tag(0xFFFE, 0xE00D, 0) + tag(0xFFFE, 0xE0DD, 0)
    write("un_sequence.dcm", meta("1.2.840.10008.1.2.1") + el(0x29, 0x10, b"LO", b"QIB") + un)
    # Float Pixel Data 2x2
    write("float_pixels.dcm", meta("1.2.840.10008.1.2.1") + image(2, 2, 32)
          + el(0x7FE0, 8, b"OF", struct.pack("<4f", 0.5, -1.0, 2.25, 3.0)))
    # YBR_FULL_422 native 2x2 and planar RGB
    write("ybr422.dcm", meta("1.2.840.10008.1.2.1") + image(2, 2, 8, spp=3, photometric=b"YBR_FULL_422")
          + el(0x7FE0, 0x10, b"OB", bytes(range(8))))
    # truncated: value length larger than the file
    write("truncated.dcm", meta("1.2.840.10008.1.2.1") + image(4, 4, 8)
          + el(0x7FE0, 0x10, b"OB", bytes(16))[:-6])


if __name__ == "__main__":
    main()
