"""A sample sheet made by the real server: each photo (face box drawn) next to the cartoon that
`POST /cartoonify` returns for it with the default options (crop=face).

    python3 -m scripts.tools.make_sample_sheet --out docs/sample-sheet.png            # the public-domain portraits
    python3 -m scripts.tools.make_sample_sheet --photos DIR --count 8 --out sheet.png  # e.g. held-out photos
    python3 -m scripts.tools.make_sample_sheet --weights OLD --weights NEW --columns 2 --out compare.png

Starts `cartoonify-server` (release build) on a free loopback port with each --weights in turn, and stops it
after. With several --weights each photo is followed by one cartoon per file, in the order given, so two
models can be judged side by side on the same faces. Needs Pillow.
"""
import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from io import BytesIO

from PIL import Image, ImageDraw

from scripts import REPO_ROOT as ROOT

PORTRAITS = [os.path.join(ROOT, "Tests", "FaceDetectionTests", "Fixtures", name) for name in
             ("astronaut.jpg", "grace_hopper.jpg", "obama.jpg", "biden.jpg", "obama2.jpg", "obama3.jpg")]
TILE = 192


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(weights):
    subprocess.run(["swift", "build", "-c", "release", "--product", "cartoonify-server"], cwd=ROOT, check=True)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([os.path.join(binary, "cartoonify-server"), "--host", "127.0.0.1", "--port", str(port),
                               "--weights", weights], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(base + "/readyz", timeout=1).status == 200:
                return server, base
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    server.kill()
    sys.exit("the server did not become ready")


def cartoonify(base, path, size):
    with open(path, "rb") as f:
        body = f.read()
    request = urllib.request.Request(f"{base}/cartoonify?size={size}", data=body,
                                     headers={"Content-Type": "application/octet-stream"})
    with urllib.request.urlopen(request, timeout=60) as response:
        box = response.headers.get("X-Face-Box")
        return Image.open(BytesIO(response.read())).convert("RGB"), box


def tile_of_photo(path, box):
    photo = Image.open(path).convert("RGB")
    if box:
        x, y, w, h = (int(v) for v in box.split(","))
        ImageDraw.Draw(photo).rectangle([x, y, x + w, y + h], outline=(0, 220, 0), width=max(2, photo.width // 120))
    photo.thumbnail((TILE, TILE))
    tile = Image.new("RGB", (TILE, TILE), "white")
    tile.paste(photo, ((TILE - photo.width) // 2, (TILE - photo.height) // 2))
    return tile


LABEL_HEIGHT = 20


def column_label(weights):
    """A weights file's name for a column header: its last two folders and its name, the extension dropped."""
    parts = os.path.splitext(os.path.abspath(weights))[0].split(os.sep)
    return "/".join(parts[-3:])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", action="append",
                        help="weights file; repeat to compare models (default: the bundled weights)")
    parser.add_argument("--photos", help="folder of photos (default: the public-domain test portraits)")
    parser.add_argument("--count", type=int, default=8, help="photos taken from --photos, spread over the folder")
    parser.add_argument("--columns", type=int, default=3, help="photos (each with its cartoons) per row")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.photos:
        names = sorted(n for n in os.listdir(args.photos) if n.lower().endswith((".jpg", ".jpeg", ".png")))
        step = max(1, len(names) // args.count)
        photos = [os.path.join(args.photos, n) for n in names[::step][:args.count]]
    else:
        photos = PORTRAITS
    results = []  # per weights file: (cartoon, face box) per photo
    for weights in args.weights or [os.path.join(ROOT, "weights", "default.safetensors")]:
        server, base = start_server(os.path.abspath(weights))
        try:
            results.append([cartoonify(base, p, TILE) for p in photos])
        finally:
            server.terminate()
            server.wait(timeout=30)
    groups = [[tile_of_photo(p, results[0][i][1])] + [r[i][0].resize((TILE, TILE), Image.LANCZOS) for r in results]
              for i, p in enumerate(photos)]
    width = len(groups[0]) * TILE
    rows = (len(groups) + args.columns - 1) // args.columns
    # Several models: a header names each cartoon column by its file, so a sheet read later says which is which.
    header = LABEL_HEIGHT if len(results) > 1 else 0
    sheet = Image.new("RGB", (args.columns * width + (args.columns - 1) * 16, header + rows * TILE), "white")
    draw = ImageDraw.Draw(sheet)
    for column in range(args.columns if header else 0):
        for j, label in enumerate(["photo"] + [column_label(w) for w in args.weights]):
            draw.text((column * (width + 16) + j * TILE + 4, 4), label[:TILE // 6], fill="black")
    for i, tiles in enumerate(groups):
        x, y = (i % args.columns) * (width + 16), header + (i // args.columns) * TILE
        for j, tile in enumerate(tiles):
            sheet.paste(tile, (x + j * TILE, y))
    sheet.save(args.out)
    print(f"wrote {args.out} ({len(groups)} photos, {len(results)} models)")


if __name__ == "__main__":
    main()
