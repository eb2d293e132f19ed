"""Renders one avataaars avatar per face photo, coloured like it, for `cartoonify-train --teacher-avatars`.

Unpaired CycleGAN training leaves the photo's shading, background and hair texture in the cartoon: nothing
pulls those regions to an avatar's flat skin, white ground and hair shapes. These renders give every photo
an avatar with its skin tone, hair colour and hair length, framed like the prepared cartoons (so like the
photo chips); the trainer holds G to them outside the eyes and mouth, where the teacher's drawing of the
person's own features stays. Everything else (eyes, mouth, brows, clothes) is fixed, and the face's
features are painted over (`bare_face`): the trainer replaces those regions, and fixed choices keep the hair
and skin the only things the photo decides.

The attributes are read from fixed regions of the aligned chip. Skin: the median of the cheeks, as it is
(snapped to the cartoon set's five tones and brightened by 1.1, it left G's skin 52 grey levels from the
photo's and 9% of the pixels 60 levels lighter: run 30). Hair: the median of the band around the head of
pixels far from that skin, snapped to the nearest hair colour the cartoon set was rendered with; long hair
where the chip's lower side edges are nearer that colour than the skin. Needs `rsvg-convert` (Debian
librsvg2-bin) and the pinned dicebear packages.

Run from the repository root (scripts/tools/train_default.sh does):
    python3 -m scripts.tools.render_avatar_targets --photos RUN_DIR/data/faces-train --out RUN_DIR/data/avatars-train
"""
import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

from scripts.tools.prepare_default_data import CARTOON_CROP

# The natural hair colours of the shared cartoon set (its README).
HAIR = ("2c1b18", "4a312c", "724133", "a55728", "b58143", "d6b370", "e8e1e1", "ecdcbf", "c93305")
# (top, bottom, left, right) fractions of the chip.
CHEEKS = ((0.45, 0.60, 0.22, 0.35), (0.45, 0.60, 0.65, 0.78))
HAIR_BAND = ((0.0, 0.15, 0.0, 1.0), (0.15, 0.6, 0.0, 0.1), (0.15, 0.6, 0.9, 1.0))
# Hair pixels are the band's pixels at least this far (RGB distance) from the photo's skin; where fewer
# than a tenth of the band are, the person is taken to have short dark hair.
HAIR_FROM_SKIN = 60
SHORT_DARK = "4a312c"
SIDES = ((0.55, 0.90, 0.0, 0.08), (0.55, 0.90, 0.92, 1.0))
# Pixels this near (RGB distance) the avatar's skin colour are its skin.
SKIN_MATCH = 24
RIM = 2
# The 256 px render's crop and size in the shared set, before CARTOON_CROP.
RENDER_BOX = (55, 37, 201, 183)
SET_SIZE = 200


def rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4))


def nearest(colour, palette):
    return min(palette, key=lambda h: sum((a - b) ** 2 for a, b in zip(rgb(h), colour)))


def region_pixels(image, boxes):
    w, h = image.size
    pixels = []
    for top, bottom, left, right in boxes:
        crop = image.crop((round(left * w), round(top * h), round(right * w), round(bottom * h)))
        data = crop.tobytes()
        pixels += [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]
    return pixels


def median(pixels):
    return tuple(sorted(p[c] for p in pixels)[len(pixels) // 2] for c in range(3))


def distance(a, b):
    return sum((x - y) ** 2 for x, y in zip(a, b))


def attributes(photo):
    """(skin, hair colour, long hair) of an aligned face chip."""
    photo_skin = median(region_pixels(photo, CHEEKS))
    skin = "%02x%02x%02x" % photo_skin
    band = region_pixels(photo, HAIR_BAND)
    hairy = [p for p in band if distance(p, photo_skin) > HAIR_FROM_SKIN ** 2 and min(p) < 200]
    hair = nearest(median(hairy), HAIR) if len(hairy) * 10 >= len(band) else SHORT_DARK
    sides = region_pixels(photo, SIDES)
    nearer_hair = sum(distance(p, rgb(hair)) < distance(p, rgb(skin)) for p in sides)
    return skin, hair, nearer_hair * 2 > len(sides)


def bare_face(image, skin):
    """`image` with the avatar's eyes, brows, nose and mouth painted over in `skin`: the trainer draws the
    person's own features there, and the avatar's would show through as a second pair. The nose goes too:
    it is not skin, so the trainer would keep the teacher's there, and the teacher paints red and orange
    spots on nose tips."""
    w, h = image.size
    colour = rgb(skin)
    data = image.tobytes()
    is_skin = [distance(data[i:i + 3], colour) < SKIN_MATCH ** 2 for i in range(0, len(data), 3)]
    # Non-skin pixels not connected to the border are holes in the face: its features.
    outside = [False] * (w * h)
    stack = [i for i in range(w * h) if (i < w or i >= w * (h - 1) or i % w in (0, w - 1)) and not is_skin[i]]
    for i in stack:
        outside[i] = True
    while stack:
        i = stack.pop()
        x, y = i % w, i // w
        for j in (i - 1 if x > 0 else -1, i + 1 if x < w - 1 else -1, i - w if y > 0 else -1, i + w if y < h - 1 else -1):
            if j >= 0 and not outside[j] and not is_skin[j]:
                outside[j] = True
                stack.append(j)
    pixels = bytearray(data)
    # The holes and the anti-aliased rims around them, which would stay as faint outlines.
    for i in range(w * h):
        x, y = i % w, i // w
        if is_skin[i] or outside[i]:
            continue
        for ny in range(max(0, y - RIM), min(h, y + RIM + 1)):
            for nx in range(max(0, x - RIM), min(w, x + RIM + 1)):
                if not outside[ny * w + nx]:
                    pixels[3 * (ny * w + nx):3 * (ny * w + nx) + 3] = bytes(colour)
    bare = image.copy()
    bare.frombytes(bytes(pixels))
    return bare


def render(style, skin, hair, long_hair, seed, size):
    from dicebear import Avatar
    from PIL import Image
    svg = Avatar(style, {
        "seed": seed, "skinColor": [skin], "hairColor": [hair],
        "topVariant": ["straight01" if long_hair else "shortFlat"], "topProbability": 100,
        "accessoriesProbability": 0, "facialHairProbability": 0,
        "eyesVariant": ["default"], "mouthVariant": ["default"], "eyebrowsVariant": ["defaultNatural"],
        "clothesVariant": ["shirtCrewNeck"], "backgroundColor": ["ffffff"],
    }).to_string()
    png = subprocess.run(["rsvg-convert", "-w", "256", "-h", "256", "-b", "white"], input=svg.encode(),
                         capture_output=True, check=True).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB").crop(RENDER_BOX).resize((SET_SIZE, SET_SIZE), Image.LANCZOS)
    box = tuple(round(f * SET_SIZE) for f in CARTOON_CROP)
    return bare_face(image.crop(box).resize(size, Image.LANCZOS), skin)


_style = None


def render_one(job):
    """Worker: renders the avatar of one photo unless it exists; returns the attribute line."""
    global _style
    from PIL import Image
    photo_path, out_path = job
    photo = Image.open(photo_path).convert("RGB")
    skin, hair, long_hair = attributes(photo)
    if not os.path.exists(out_path):
        if _style is None:
            import dicebear_styles
            from dicebear import Style
            with open(os.path.join(list(dicebear_styles.__path__)[0], "avataaars.json")) as f:
                _style = Style(json.load(f))
        render(_style, skin, hair, long_hair, os.path.basename(photo_path), photo.size).save(out_path + ".tmp.png")
        os.replace(out_path + ".tmp.png", out_path)
    return f"{os.path.basename(photo_path)}\t{skin}\t{hair}\t{'long' if long_hair else 'short'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", required=True, help="folder of aligned face chips")
    parser.add_argument("--out", required=True, help="folder for the avatars: PHOTO_FILE_NAME.png each")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if shutil.which("rsvg-convert") is None:
        sys.exit("render_avatar_targets: rsvg-convert not found (apt-get install librsvg2-bin)")
    if not os.path.isdir(args.photos):
        sys.exit(f"render_avatar_targets: no photo folder {args.photos}")
    try:
        import dicebear  # noqa: F401
        import dicebear_styles  # noqa: F401
    except ImportError:
        sys.exit("render_avatar_targets: pip install -r scripts/tools/requirements.txt (dicebear-core, dicebear-styles)")
    os.makedirs(args.out, exist_ok=True)
    names = sorted(f for f in os.listdir(args.photos) if f.lower().endswith((".jpg", ".jpeg", ".png")))
    jobs = [(os.path.join(args.photos, n), os.path.join(args.out, n + ".png")) for n in names]
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        lines = list(pool.map(render_one, jobs, chunksize=16))
    with open(os.path.join(args.out, "attributes.tsv"), "w") as f:
        f.write("photo\tskin\thair\tlength\n" + "\n".join(lines) + "\n")
    print(f"{args.out}: {len(lines)} avatars")


if __name__ == "__main__":
    main()
