#!/usr/bin/env python3
"""Generates Tests/ImagingTests/Fixtures: small images in every colour type, bit depth and JPEG flavour the
decoder supports, each next to the pixels Pillow decodes from it (raw RGB, alpha composited over white,
EXIF orientation applied), plus broken and hostile files and OpenCV resize references.

Run from the repository root:  python3 scripts/make_image_fixtures.py
The outputs are committed; tests never run this script.
"""
import io
import json
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

OUT = Path(__file__).resolve().parent.parent / "Tests" / "ImagingTests" / "Fixtures"
W, H = 24, 16
manifest = {"decode": [], "errors": [], "resize": []}


def picture(width=W, height=H):
    """Asymmetric in both axes (so every flip and rotation is distinguishable), smooth enough that JPEG
    decoders agree closely, with a few hard edges."""
    y, x = np.mgrid[0:height, 0:width]
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[..., 0] = (x * 255 // (width - 1)).astype(np.uint8)
    rgb[..., 1] = (y * 255 // (height - 1)).astype(np.uint8)
    rgb[..., 2] = 90
    rgb[: height // 4, : width // 3] = (250, 240, 20)  # bright block top-left only
    rgb[height - 3 :, width - 5 :] = (20, 20, 200)  # dark blue block bottom-right only
    return rgb


def alpha_plane(width=W, height=H):
    y, x = np.mgrid[0:height, 0:width]
    a = ((x + y) * 255 // (width + height - 2)).astype(np.uint8)
    a[0, :] = 0
    a[:, -1] = 255
    return a


def composite_over_white(rgba):
    rgb = rgba[..., :3].astype(np.uint32)
    a = rgba[..., 3:4].astype(np.uint32)
    return ((rgb * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def pillow_rgb(path):
    """What Pillow decodes, reduced to the decoder's contract: 8-bit RGB, alpha over white, upright."""
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    if im.mode in ("I;16", "I;16B", "I"):
        # Pillow keeps 16-bit grey as integers; its RGB conversion clips instead of scaling.
        grey = (np.asarray(im).astype(np.uint32) >> 8).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=2)
    return composite_over_white(np.asarray(im.convert("RGBA")))


def add_decode(name, tolerance, note):
    path = OUT / name
    rgb = pillow_rgb(path)
    ref = name + ".rgb"  # orientation6.jpg and orientation6.png both exist
    (OUT / ref).write_bytes(rgb.tobytes())
    manifest["decode"].append(
        {"file": name, "reference": ref, "width": rgb.shape[1], "height": rgb.shape[0],
         "tolerance": tolerance, "note": note})


# --- A PNG writer for what Pillow cannot write: 16-bit colour, 2-bit grey, Adam7 interlacing. ---

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def pack_rows(samples, depth):
    """samples: (h, w, channels) unsigned ints -> list of row bytes at `depth` bits per sample."""
    rows = []
    for row in samples:
        flat = row.reshape(-1)
        if depth == 16:
            rows.append(flat.astype(">u2").tobytes())
        elif depth == 8:
            rows.append(flat.astype(np.uint8).tobytes())
        else:
            per_byte = 8 // depth
            padded = np.zeros(-(-len(flat) // per_byte) * per_byte, np.uint8)
            padded[: len(flat)] = flat
            groups = padded.reshape(-1, per_byte).astype(np.uint16)
            shifts = np.arange(per_byte - 1, -1, -1) * depth
            rows.append((groups << shifts).sum(axis=1).astype(np.uint8).tobytes())
    return rows


def write_png(name, samples, colour_type, depth, interlace=False, extra=b""):
    h, w = samples.shape[:2]
    if samples.ndim == 2:
        samples = samples[..., None]
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = samples[y0::dy, x0::dx]
            if sub.size:
                raw += b"".join(b"\0" + r for r in pack_rows(sub, depth))
    else:
        raw = b"".join(b"\0" + r for r in pack_rows(samples, depth))
    ihdr = struct.pack(">IIBBBBB", w, h, depth, colour_type, 0, 0, 1 if interlace else 0)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))
    (OUT / name).write_bytes(data)


def pngs():
    rgb = picture()
    a = alpha_plane()
    grey = rgb.mean(axis=2).astype(np.uint8)
    Image.fromarray(rgb).save(OUT / "rgb8.png")
    Image.fromarray(np.dstack([rgb, a])).save(OUT / "rgba8.png")
    Image.fromarray(grey).save(OUT / "grey8.png")
    Image.fromarray(np.dstack([grey, a])).save(OUT / "greyalpha8.png")
    Image.fromarray(rgb).quantize(64).save(OUT / "palette8.png")
    Image.fromarray(rgb).quantize(16).save(OUT / "palette4.png", bits=4)
    pal = Image.fromarray(rgb).quantize(32)
    pal.save(OUT / "palette_trns.png", transparency=bytes(range(0, 256, 8)))
    Image.fromarray(grey > 128).save(OUT / "grey1.png")
    Image.fromarray(rgb).save(OUT / "rgb_trns.png", transparency=(250, 240, 20))
    Image.fromarray(grey).save(OUT / "grey_trns.png", transparency=int(grey[0, 0]))
    for name, note in [("rgb8.png", "RGB 8-bit"), ("rgba8.png", "RGBA 8-bit"), ("grey8.png", "grey 8-bit"),
                       ("greyalpha8.png", "grey+alpha 8-bit"), ("palette8.png", "palette 8-bit"),
                       ("palette4.png", "palette 4-bit"), ("palette_trns.png", "palette with tRNS alpha"),
                       ("grey1.png", "grey 1-bit"), ("rgb_trns.png", "RGB with tRNS colour key"),
                       ("grey_trns.png", "grey with tRNS key")]:
        add_decode(name, 1, note)

    # 16-bit: low bytes differ from high bytes so a decoder that takes the wrong byte is caught.
    wide = rgb.astype(np.uint16) * 257 ^ 0x5A
    wide_a = a.astype(np.uint16) * 257 ^ 0x33
    wide_grey = grey.astype(np.uint16) * 257 ^ 0x71
    write_png("rgb16.png", wide, 2, 16)
    write_png("rgba16.png", np.dstack([wide, wide_a]), 6, 16)
    write_png("grey16.png", wide_grey, 0, 16)
    write_png("greyalpha16.png", np.dstack([wide_grey, wide_a]), 4, 16)
    write_png("grey2.png", grey >> 6, 0, 2)
    write_png("rgb8_interlaced.png", rgb, 2, 8, interlace=True)
    write_png("rgba16_interlaced.png", np.dstack([wide, wide_a]), 6, 16, interlace=True)
    # eXIf (PNG 1.5): the bare TIFF structure, no "Exif\0\0" prefix; stored sideways like a phone would.
    write_png("orientation6.png", np.ascontiguousarray(np.rot90(rgb, 1)), 2, 8,
              extra=chunk(b"eXIf", exif_big_endian(6)[6:]))
    palette = rgb.reshape(-1, 3)[:: 7][:40]
    index = (np.arange(W * H).reshape(H, W) * 7) % len(palette)
    write_png("palette2_interlaced.png", index % 4, 3, 2, interlace=True,
              extra=chunk(b"PLTE", palette[:4].tobytes()))
    for name, note in [("rgb16.png", "RGB 16-bit"), ("rgba16.png", "RGBA 16-bit"), ("grey16.png", "grey 16-bit"),
                       ("greyalpha16.png", "grey+alpha 16-bit"), ("grey2.png", "grey 2-bit"),
                       ("rgb8_interlaced.png", "RGB 8-bit Adam7"), ("rgba16_interlaced.png", "RGBA 16-bit Adam7"),
                       ("palette2_interlaced.png", "palette 2-bit Adam7"),
                       ("orientation6.png", "PNG eXIf orientation 6")]:
        add_decode(name, 1, note)


def exif_big_endian(orientation):
    """APP1 payload with a Motorola-order TIFF header (Pillow writes Intel order)."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    return b"Exif\0\0" + b"MM" + struct.pack(">HI", 42, 8) + ifd


def jpeg_segments(path):
    """Splits a JPEG into SOI, marker segments, and each SOS with its entropy-coded data, and EOI."""
    data = path.read_bytes()
    parts, pos = [data[:2]], 2
    while pos < len(data):
        marker = data[pos + 1]
        if marker == 0xD9:
            parts.append(data[pos:pos + 2])
            break
        end = pos + 2 + struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker == 0xDA:  # entropy data runs to the next marker that is not a stuffed 0xFF00 or RSTn
            while not (data[end] == 0xFF and data[end + 1] not in (0x00, *range(0xD0, 0xD8))):
                end += 1
        parts.append(data[pos:end])
        pos = end
    return parts


def insert_app1(jpeg, payload):
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def jpegs():
    rgb = picture()
    im = Image.fromarray(rgb)
    im.save(OUT / "baseline420.jpg", quality=90)
    im.save(OUT / "baseline444.jpg", quality=95, subsampling=0)
    im.save(OUT / "progressive.jpg", quality=90, progressive=True)
    im.convert("L").save(OUT / "grey.jpg", quality=90)
    im.convert("CMYK").save(OUT / "cmyk.jpg", quality=95)
    for name, note in [("baseline420.jpg", "baseline 4:2:0"), ("baseline444.jpg", "baseline 4:4:4"),
                       ("progressive.jpg", "progressive"), ("grey.jpg", "greyscale"),
                       ("cmyk.jpg", "Adobe CMYK")]:
        add_decode(name, 2, note)
    # YCCK: Pillow cannot write it; ImageMagick can when told the JPEG colour space (JCS_YCCK = 5).
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src.tif"
        im.convert("CMYK").save(src)
        subprocess.run(["convert", str(src), "-quality", "95", "-define", "jpeg:colorspace=5",
                        str(OUT / "ycck.jpg")], check=True)
    add_decode("ycck.jpg", 2, "Adobe YCCK")

    # EXIF orientation: store the picture the way a camera would (pixels turned the other way), so every
    # file decodes to the same upright picture.
    inverse = {1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
               4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
               6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270}
    (OUT / "upright.rgb").write_bytes(rgb.tobytes())
    for n in range(1, 9):
        stored = im if inverse[n] is None else im.transpose(inverse[n])
        exif = Image.Exif()
        exif[0x0112] = n
        stored.save(OUT / f"orientation{n}.jpg", quality=95, subsampling=0, exif=exif.tobytes())
        add_decode(f"orientation{n}.jpg", 2, f"EXIF orientation {n}, Intel byte order")
        if n in (3, 6):
            buffer = io.BytesIO()
            stored.save(buffer, "JPEG", quality=95, subsampling=0)
            (OUT / f"orientation{n}_motorola.jpg").write_bytes(insert_app1(buffer.getvalue(), exif_big_endian(n)))
            add_decode(f"orientation{n}_motorola.jpg", 2, f"EXIF orientation {n}, Motorola byte order")


def hostile():
    good_jpeg = (OUT / "baseline420.jpg").read_bytes()
    good_png = (OUT / "rgb8.png").read_bytes()
    # Cut inside the image data: libjpeg would quietly pad the missing rows with grey.
    (OUT / "truncated.jpg").write_bytes(good_jpeg[:-100])
    (OUT / "truncated.png").write_bytes(good_png[:-40])
    manifest["errors"] += [{"file": "truncated.jpg", "expect": "corrupt", "message": "truncated"},
                           {"file": "truncated.png", "expect": "corrupt", "message": "truncated"}]
    # A flipped bit inside IDAT breaks its CRC, which libpng treats as fatal for critical chunks.
    flipped = bytearray(good_png)
    idat = good_png.index(b"IDAT")
    flipped[idat + 20] ^= 0x10
    (OUT / "bitflip_idat.png").write_bytes(bytes(flipped))
    manifest["errors"].append({"file": "bitflip_idat.png", "expect": "corrupt"})
    # A flipped bit in entropy-coded JPEG data decodes to damaged pixels or fails; either is fine.
    flipped = bytearray(good_jpeg)
    flipped[len(good_jpeg) - 60] ^= 0x08
    (OUT / "bitflip_scan.jpg").write_bytes(bytes(flipped))
    manifest["errors"].append({"file": "bitflip_scan.jpg", "expect": "decodesOrCorrupt"})

    # A progressive file whose last scan repeats 150 times: libjpeg only warns about the bogus progression,
    # but every scan costs a pass over the coefficients, so the decoder refuses files with that many.
    scans = jpeg_segments(OUT / "progressive.jpg")
    last_scan = [seg for seg in scans if seg[:2] == b"\xff\xda"][-1]
    eoi = scans.index(last_scan) + 1
    (OUT / "many_scans.jpg").write_bytes(b"".join(scans[:eoi]) + last_scan * 150 + b"".join(scans[eoi:]))
    manifest["errors"].append({"file": "many_scans.jpg", "expect": "corrupt", "message": "scans"})

    # Pixel bombs: a valid header claiming an enormous frame, then junk instead of image data.
    junk = bytes((i * 37) & 0xFF for i in range(1000))
    ihdr = struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)
    (OUT / "bomb.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + junk)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 65500, 65500, 3) + bytes([1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0])
    (OUT / "bomb.jpg").write_bytes(b"\xff\xd8" + sof + junk)
    manifest["errors"] += [{"file": "bomb.png", "expect": "tooLarge", "width": 100000, "height": 100000},
                           {"file": "bomb.jpg", "expect": "tooLarge", "width": 65500, "height": 65500}]

    im = Image.fromarray(picture(8, 8))
    im.save(OUT / "tiny.gif")
    im.save(OUT / "tiny.webp")
    im.save(OUT / "tiny.bmp")
    im.save(OUT / "tiny.tiff")
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src.png"
        im.save(src)
        subprocess.run(["convert", str(src), "-quality", "50", str(OUT / "tiny.heic")], check=True)
    for fmt in ["gif", "webp", "bmp", "tiff", "heic"]:
        manifest["errors"].append({"file": f"tiny.{fmt}", "expect": f"unsupported:{fmt}"})
    (OUT / "text.txt").write_bytes(b"BM is not a bitmap, just text that starts like one.\n")
    manifest["errors"].append({"file": "text.txt", "expect": "unknownFormat"})


def resizes():
    """References from OpenCV: INTER_AREA (fractional area averaging) down, INTER_LINEAR (half-pixel
    centres, clamped edges) up. The source is stored raw so no decoder is involved."""
    src = picture(48, 32)
    (OUT / "resize_source.rgb").write_bytes(src.tobytes())
    for (w, h) in [(20, 14), (7, 5), (16, 8)]:
        ref = cv2.resize(src, (w, h), interpolation=cv2.INTER_AREA)
        name = f"resize_area_{w}x{h}.rgb"
        (OUT / name).write_bytes(ref.tobytes())
        manifest["resize"].append({"reference": name, "width": w, "height": h, "tolerance": 1})
    for (w, h) in [(100, 70), (96, 64)]:
        ref = cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR)
        name = f"resize_linear_{w}x{h}.rgb"
        (OUT / name).write_bytes(ref.tobytes())
        manifest["resize"].append({"reference": name, "width": w, "height": h, "tolerance": 1})
    manifest["resizeSource"] = {"file": "resize_source.rgb", "width": 48, "height": 32}


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    pngs()
    jpegs()
    hostile()
    resizes()
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"{len(list(OUT.iterdir()))} files, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
