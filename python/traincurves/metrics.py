"""How metric names are read: split (train / validation), family, direction.

Keras names validation metrics ``val_<name>``; Lightning users often write
``train_loss`` / ``val_loss`` or ``train/loss`` / ``val/loss``; Hugging Face
writes ``eval_loss``; ``test_`` marks a held-out test metric. The family is
the name with the split marker removed, so ``loss`` and ``val_loss`` share a
chart. The payload carries these decisions (``presentation.charts``); the
renderer applies the same rules (``src/metrics.ts``) only to payloads that
do not, such as notebooks saved by older versions.
"""

from __future__ import annotations

import re

_VALIDATION = re.compile(r"^(val|valid|validation|eval)[_/]", re.IGNORECASE)
_TRAIN = re.compile(r"^(train|training)[_/]", re.IGNORECASE)
_TEST = re.compile(r"^test[_/]", re.IGNORECASE)
_PREFIXES = ((_VALIDATION, "validation"), (_TRAIN, "train"), (_TEST, "test"))
# Split words found anywhere in a name that has no split prefix: ``Train
# Loss``, ``ValAcc``, ``reg_val_loss`` (a Keras output named ``reg``).
_SPLIT_WORDS = {
    "val": "validation",
    "valid": "validation",
    "validation": "validation",
    "eval": "validation",
    "test": "test",
    "train": "train",
    "training": "train",
}
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s_/\-.:]+")

# Substrings of metrics where a larger value is better. Anything else that
# is not a schedule is treated as an error to minimise, as Keras'
# EarlyStopping does in ``mode="auto"``.
_HIGHER_IS_BETTER = (
    "acc",
    "auc",
    "precision",
    "recall",
    "f1",
    "fbeta",
    "iou",
    "dice",
    "r2",
    "top_k",
    "map",
    "ndcg",
    "bleu",
    "rouge",
    "psnr",
    "ssim",
    "matthews",
    "mcc",
    "kappa",
    "spearman",
    "pearson",
    "specificity",
    "sensitivity",
    "mrr",
    "hits",
    "pck",
    "reward",
    "return",
)
_NO_DIRECTION = ("lr", "learning_rate", "epoch", "step", "time")


def words(name: str) -> list[str]:
    """``TrainLoss`` -> [Train, Loss]; ``val-top5 acc`` -> [val, top5, acc]."""
    return [w for w in _SEPARATORS.split(_WORD_BREAK.sub("_", name)) if w]


def role(name: str) -> tuple[str, str]:
    """(split, family) of a metric: ``val_loss`` -> (validation, loss).

    A split prefix is read first and the rest kept as written
    (``val/Loss`` -> Loss). Without one, a split word anywhere counts
    (``Train Loss``, ``ValAcc``, ``reg_val_loss`` -> reg_loss); ``dev``
    only leads (``dev_loss``, not ``std_dev``). A bare split word
    (``train``, ``val``) has the family ``""``.
    """
    for prefix, part in _PREFIXES:
        rest = prefix.sub("", name, count=1)
        if rest != name:
            return part, rest
    parts = words(name)
    for i, word in enumerate(parts):
        part = _SPLIT_WORDS.get(word.lower())
        if part is None and i == 0 and word.lower() == "dev":
            part = "validation"
        if part is not None:
            return part, "_".join(parts[:i] + parts[i + 1 :])
    return "train", name


def split(name: str) -> str:
    """``"validation"``, ``"test"`` (``test_acc``), else ``"train"``."""
    return role(name)[0]


def family(name: str) -> str:
    """The chart a metric belongs to: its name without its split."""
    return role(name)[1]


def direction(name: str) -> str | None:
    """``"max"``, ``"min"``, or ``None`` when "best" means nothing (``lr``)."""
    fam = family(name)
    base = fam.lower()
    if base in _NO_DIRECTION:
        return None
    if "loss" in (w.lower() for w in words(fam)):
        return "min"  # a reward model's loss, an IoU loss: still a loss
    if any(token in base for token in _HIGHER_IS_BETTER):
        return "max"
    return "min"
