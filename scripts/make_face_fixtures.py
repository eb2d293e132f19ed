#!/usr/bin/env python3
"""Builds the FaceDetection test photos in Tests/FaceDetectionTests/Fixtures from public-domain / CC0 sources.

Sources (fetched into --cache with the ordinary package clients when missing):
  - Debian package `facedetect` (apt-get download): examples/grace_hopper_512x512.jpg (US Navy, public domain)
  - PyPI sdist face_recognition==1.3.0 (pip download --no-binary): tests/test_images/{obama,obama2,obama3,biden}.jpg
    (official White House photographs, US government works, public domain)
  - scikit-image sample data: astronaut (NASA, public domain); negatives coffee, chelsea (CC0), rocket (SpaceX,
    public domain)

Each photo is shrunk to at most 512 px on its long edge (Lanczos) and saved as JPEG quality 85.
The full-size Grace Hopper photo stays out of git: its path is printed for end-to-end tests.
"""
import argparse
import glob
import os
import subprocess
import tarfile

import numpy as np
import skimage.data
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests", "FaceDetectionTests", "Fixtures")
LONG_EDGE = 512


def fetch(cache: str) -> dict:
    os.makedirs(cache, exist_ok=True)
    hopper = os.path.join(cache, "facedetect", "usr", "share", "doc", "facedetect", "examples", "grace_hopper_512x512.jpg")
    if not os.path.exists(hopper):
        subprocess.run(["apt-get", "download", "facedetect"], cwd=cache, check=True)
        deb = sorted(glob.glob(os.path.join(cache, "facedetect_*.deb")))[-1]
        subprocess.run(["dpkg", "-x", deb, os.path.join(cache, "facedetect")], check=True)
    images = os.path.join(cache, "face_recognition-1.3.0", "tests", "test_images")
    if not os.path.isdir(images):
        subprocess.run(["pip", "download", "--no-deps", "--no-binary", ":all:", "face_recognition==1.3.0", "-d", cache],
                       check=True)
        with tarfile.open(os.path.join(cache, "face_recognition-1.3.0.tar.gz")) as tar:
            tar.extractall(cache, filter="data")
    sources = {"grace_hopper": Image.open(hopper)}
    for name in ("obama", "obama2", "obama3", "biden"):
        sources[name] = Image.open(os.path.join(images, name + ".jpg"))
    for name in ("astronaut", "coffee", "chelsea", "rocket"):
        sources[name] = Image.fromarray(np.asarray(getattr(skimage.data, name)()))
    return sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default="/tmp/cartoonify-face-sources", help="where downloaded sources are kept")
    args = parser.parse_args()
    os.makedirs(FIXTURES, exist_ok=True)
    for name, image in fetch(args.cache).items():
        image = image.convert("RGB")
        scale = min(1.0, LONG_EDGE / max(image.size))
        if scale < 1:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        path = os.path.join(FIXTURES, name + ".jpg")
        image.save(path, quality=85)
        print(f"{path}: {image.width}x{image.height}, {os.path.getsize(path)} bytes")
    print("full-size Grace Hopper (not committed):",
          os.path.join(args.cache, "facedetect", "usr", "share", "doc", "facedetect", "examples", "grace_hopper_512x512.jpg"))


if __name__ == "__main__":
    main()
