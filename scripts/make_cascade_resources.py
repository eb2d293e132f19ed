#!/usr/bin/env python3
"""Writes the cascades FaceDetection ships as package resources (Sources/FaceDetection/Resources/).

Each is an OpenCV cascade XML from Debian's opencv-data, compacted: the licence header comment is kept
verbatim, the per-stage/per-tree comments and indentation are dropped (a third of the size). FaceDetection's
XML parser reads the result exactly as it reads the original file. The server loads them once at start.

Usage: scripts/make_cascade_resources.py [directory holding the OpenCV haarcascades]
(default: /usr/share/opencv4/haarcascades; `apt-get install opencv-data` provides it)
"""
import os
import re
import sys

DEFAULT = "/usr/share/opencv4/haarcascades"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "FaceDetection", "Resources")
# The frontal-face detector, and the eye detector that finds the eyes inside its box for alignment.
NAMES = ["haarcascade_frontalface_default.xml", "haarcascade_eye.xml"]


def compact(xml: str) -> str:
    header_end = xml.index("-->") + 3  # the first comment is the licence; keep it as is
    head, body = xml[:header_end], xml[header_end:]
    if "Copyright" not in head and "License" not in head:
        sys.exit("the first comment does not look like a licence header; refusing to drop comments")
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    body = "\n".join(line.strip() for line in body.splitlines() if line.strip())
    return head + "\n" + body + "\n"


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    os.makedirs(OUT, exist_ok=True)
    for name in NAMES:
        with open(os.path.join(source, name), encoding="utf-8") as f:
            xml = compact(f.read())
        path = os.path.join(OUT, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(xml)
        print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
