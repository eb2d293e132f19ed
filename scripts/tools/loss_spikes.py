"""Which training photos a run's loss spikes come from, by replaying the trainer's data order.

    python3 -m scripts.tools.loss_spikes --losses CK/losses.jsonl [--losses MORE.jsonl] \
        --photos DIR --cartoons DIR --seed 6 [--key teacher_G] [--above 3]

A step whose loss is far above the median is usually one odd photo (a broken teacher target, a watermark):
the same photo comes back once an epoch. This replays `DataSource`'s order (a Fisher-Yates shuffle per epoch
from the (seed, domain, epoch) SplitMix64 stream; the folder's images sorted by path; an epoch as long as
the larger domain) and prints, per photo, how many logged steps above the threshold it was behind and the
largest loss. Unreadable files shift the trainer's order; the count it prints assumes none.
"""
import argparse
import json
import os
from collections import defaultdict

from scripts.reference.cyclegan import MASK, SplitMix64

PHOTO_DOMAIN = 1


def images(root):
    """ImageFolder's files: .jpg/.jpeg/.png at any depth, hidden entries skipped, sorted by path."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found += [os.path.join(folder, name) for name in files
                  if not name.startswith(".") and name.lower().endswith((".jpg", ".jpeg", ".png"))]
    return sorted(found)


def draw(rng):
    return int(rng.next(1)[0])


def derived(seed, *keys):
    """SplitMix64.derived: one independent stream per key path."""
    rng = SplitMix64(seed)
    for key in keys:
        rng = SplitMix64(draw(rng) ^ ((key * 0xD1B54A32D192ED03) & MASK))
    return rng


def order(seed, domain, count, epoch):
    rng = derived(seed, domain, epoch)
    indices = list(range(count))
    for i in range(count - 1, 0, -1):
        j = draw(rng) % (i + 1)
        indices[i], indices[j] = indices[j], indices[i]
    return indices


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--losses", action="append", required=True, help="a run's losses.jsonl (repeatable)")
    parser.add_argument("--photos", required=True)
    parser.add_argument("--cartoons", required=True, help="only counted: the epoch is as long as the larger domain")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--batch-size", type=int, default=1)
    parser.add_argument("--key", default="teacher_G")
    parser.add_argument("--above", type=float, default=3.0)
    args = parser.parse_args()

    photos = images(args.photos)
    if not photos:
        raise SystemExit(f"{args.photos} holds no .jpg, .jpeg or .png images")
    per_epoch = max(len(photos), len(images(args.cartoons)))
    orders, hits = {}, defaultdict(list)
    for path in args.losses:
        with open(path) as lines:
            for line in lines:
                entry = json.loads(line)
                if entry.get(args.key, 0) <= args.above:
                    continue
                for b in range(args.batch_size):
                    sample = (entry["step"] - 1) * args.batch_size + b   # the log counts steps from 1
                    epoch, position = divmod(sample, per_epoch)
                    if epoch not in orders:
                        orders[epoch] = order(args.seed, PHOTO_DOMAIN, len(photos), epoch)
                    hits[photos[orders[epoch][position % len(photos)]]].append(entry[args.key])
    print(f"{sum(len(v) for v in hits.values())} steps with {args.key} above {args.above}")
    for photo, losses in sorted(hits.items(), key=lambda item: (-len(item[1]), -max(item[1]))):
        print(f"{len(losses):4d} x, max {max(losses):8.2f}  {os.path.basename(photo)}")


if __name__ == "__main__":
    main()
