#!/usr/bin/env python3
"""Runs OpenCV's own CascadeClassifier.detectMultiScale on the FaceDetection test photos, the reference the
Swift detector is checked against, and writes Tests/FaceDetectionTests/Fixtures/opencv_faces.json
(read by OpenCVAgreementTests.swift).

OpenCV sees what the Swift detector sees: grey (BT.601) at full size, INTER_AREA-shrunk to about the detection
pixel count (aspect kept), scale factor 1.1; boxes are mapped back to the photo's pixels. Two cascades:
  haar: haarcascade_frontalface_default.xml (the bundled one), 320x240 pixels, minNeighbors 3
  lbp:  lbpcascade_frontalface_improved.xml, 480x360 pixels, minNeighbors 3

Needs OpenCV 4 (cv2.CascadeClassifier was dropped from the opencv-python 5 wheels), e.g.
  python3 -m venv --system-site-packages /tmp/cv4 && /tmp/cv4/bin/pip install 'opencv-python-headless>=4.10,<5'
  /tmp/cv4/bin/python scripts/compare_opencv_faces.py
Extra image paths on the command line are only printed, not written to the JSON.
"""
import json
import os
import sys
import time

import cv2
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "FaceDetectionTests", "Fixtures")
CASCADES = {
    "haar": ("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml", 320 * 240),
    "lbp": ("/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml", 480 * 360),
}
PHOTOS = ["grace_hopper", "astronaut", "obama", "obama2", "obama3", "biden", "coffee", "chelsea", "rocket"]


def detect(classifier, rgb: np.ndarray, pixels: int) -> list:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    shrink = max(1.0, (width * height / pixels) ** 0.5)
    size = (max(1, round(width / shrink)), max(1, round(height / shrink)))
    small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA) if size != (width, height) else grey
    boxes, votes = classifier.detectMultiScale2(small, scaleFactor=1.1, minNeighbors=3)
    sx, sy = width / size[0], height / size[1]
    faces = [[round(x * sx), round(y * sy), round(w * sx), round(h * sy), int(n)] for (x, y, w, h), n in zip(boxes, votes)]
    return sorted(faces, key=lambda f: (-f[4], -f[2] * f[3]))


def main() -> None:
    if not hasattr(cv2, "CascadeClassifier"):
        sys.exit(f"OpenCV {cv2.__version__} has no CascadeClassifier; run with OpenCV 4 (see the docstring)")
    cv2.setNumThreads(1)
    classifiers = {name: (cv2.CascadeClassifier(path), pixels) for name, (path, pixels) in CASCADES.items()}
    results = {}
    images = [(name, os.path.join(FIXTURES, name + ".jpg")) for name in PHOTOS]
    images += [(os.path.basename(path), path) for path in sys.argv[1:]]
    for name, path in images:
        rgb = np.asarray(Image.open(path).convert("RGB"))
        row = {}
        for cascade, (classifier, pixels) in classifiers.items():
            start = time.perf_counter()
            row[cascade] = detect(classifier, rgb, pixels)
            print(f"{name:>14} {cascade:>4} {rgb.shape[1]}x{rgb.shape[0]} {1000 * (time.perf_counter() - start):6.1f} ms "
                  f"{row[cascade]}")
        if name in PHOTOS:
            results[name] = row
    out = os.path.join(FIXTURES, "opencv_faces.json")
    with open(out, "w") as f:
        json.dump({"opencv": cv2.__version__, "photos": results}, f, indent=1, sort_keys=True)
    print("wrote", out)


if __name__ == "__main__":
    main()
