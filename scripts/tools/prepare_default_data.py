"""Lays out the default model's training data from ../shared/data in a run folder.

The splits are committed lists (data/default-model/*.txt); --write-splits makes them once, from the
folder listing and a fixed seed. Photos: UTKFace chips of people aged 16 or more (the service's users are
mostly adults), copied as they are. Cartoons: each avatar cropped to CARTOON_CROP so that its eyes and
mouth sit near where the photo chips have theirs (measured with OpenCV's Haar eye cascade over the
folders: photo eyes at y 0.29, 0.39 apart; avatar eyes at y 0.45, 0.36 apart), saved losslessly.

Run from the repository root (scripts/tools/train_default.sh does):
    python3 -m scripts.tools.prepare_default_data --data ../shared/data --out RUN_DIR/data
"""
import argparse
import os
import random
import shutil
import sys

from scripts import REPO_ROOT

SPLITS = os.path.join(REPO_ROOT, "data", "default-model")
MIN_AGE = 16
HELD_OUT = 200
SEED = 2026
# (left, top, right, bottom) as fractions of the 200 px avatar: a 1.2x zoom that moves the eyes from
# y 0.45 to 0.36 and the mouth from 0.70 to 0.66.
CARTOON_CROP = (0.088, 0.15, 0.921, 0.983)


def age(name):
    try:
        return int(name.split("_")[0])
    except ValueError:
        return -1


def write_splits(data):
    os.makedirs(SPLITS, exist_ok=True)
    faces = sorted(f for f in os.listdir(os.path.join(data, "faces")) if age(f) >= MIN_AGE)
    cartoons = sorted(os.listdir(os.path.join(data, "cartoons")))
    rng = random.Random(SEED)
    for name, files in (("faces", faces), ("cartoons", cartoons)):
        held = set(rng.sample(files, HELD_OUT))
        for split, members in (("heldout", sorted(held)), ("train", [f for f in files if f not in held])):
            with open(os.path.join(SPLITS, f"{name}-{split}.txt"), "w") as out:
                out.write("\n".join(members) + "\n")


def read_split(name):
    with open(os.path.join(SPLITS, name)) as f:
        return [line.strip() for line in f if line.strip()]


def crop_cartoon(src, dst):
    from PIL import Image
    image = Image.open(src).convert("RGB")
    w, h = image.size
    box = (round(CARTOON_CROP[0] * w), round(CARTOON_CROP[1] * h), round(CARTOON_CROP[2] * w), round(CARTOON_CROP[3] * h))
    image.crop(box).save(dst)


def lay_out(data, out, split):
    for name, prepare in (("faces", shutil.copyfile), ("cartoons", crop_cartoon)):
        folder = os.path.join(out, f"{name}-{split}")
        os.makedirs(folder, exist_ok=True)
        files = read_split(f"{name}-{split}.txt")
        for f in files:
            target = os.path.join(folder, f)
            if not os.path.exists(target):
                prepare(os.path.join(data, name, f), target)
        print(f"{folder}: {len(files)} images")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default=os.path.normpath(os.path.join(REPO_ROOT, "..", "shared", "data")))
    parser.add_argument("--out", help="folder to lay the training and held-out images out in")
    parser.add_argument("--write-splits", action="store_true", help="(re)make the committed split lists")
    args = parser.parse_args()
    if args.write_splits:
        write_splits(args.data)
    if args.out:
        for split in ("train", "heldout"):
            lay_out(args.data, args.out, split)
    elif not args.write_splits:
        sys.exit("nothing to do: give --out and/or --write-splits")


if __name__ == "__main__":
    main()
