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
)
_NO_DIRECTION = ("lr", "learning_rate", "epoch", "step", "time")


def split(name: str) -> str:
    """``"validation"``, ``"test"`` (``test_acc``), else ``"train"``."""
    if _VALIDATION.match(name):
        return "validation"
    return "test" if _TEST.match(name) else "train"


def family(name: str) -> str:
    """The chart a metric belongs to: its name without a split prefix."""
    for prefix in (_VALIDATION, _TRAIN, _TEST):
        name = prefix.sub("", name, count=1)
    return name


def direction(name: str) -> str | None:
    """``"max"``, ``"min"``, or ``None`` when "best" means nothing (``lr``)."""
    base = family(name).lower()
    if base in _NO_DIRECTION:
        return None
    if any(token in base for token in _HIGHER_IS_BETTER):
        return "max"
    return "min"
