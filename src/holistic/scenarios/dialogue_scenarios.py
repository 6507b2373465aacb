"""Empathetic Dialogues (Rashkin et al. 2019): conversations grounded in an emotional situation (§6.2).

One instance per (situation prompt, emotion) pair, the emotion as sub_split; each conversation of two or more
utterances about it is a reference `Bob: ...\\nJen: ...\\n` (Bob starts). The CSVs are read as HELM reads them
with pandas (no quoting, `_comma_` for commas, groups sorted by key, rows with an empty key left out),
without needing pandas.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from holistic.errors import DataError
from holistic.scenarios.base import (
    CORRECT_TAG,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALID_SPLIT,
    Instance,
    Reference,
    Scenario,
)
from holistic.scenarios.download import ensure_file_downloaded

DATA_URL = "https://dl.fbaipublicfiles.com/parlai/empatheticdialogues/empatheticdialogues.tar.gz"
SPLITS = (("train", TRAIN_SPLIT), ("valid", VALID_SPLIT), ("test", TEST_SPLIT))
COLUMNS = ("conv_id", "utterance_idx", "context", "prompt", "speaker_idx", "utterance", "selfeval", "tags")
INITIATOR, LISTENER = "Bob", "Jen"


def read_rows(path: Path) -> list[dict[str, str | None]]:
    """Rows as dicts; an empty field is None (pandas' NaN); extra fields are ignored, missing ones None."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        next(f, None)  # header
        for line in f:
            line = line.rstrip("\r\n")
            if not line:
                continue
            fields = line.split(",")[: len(COLUMNS)]
            fields += [""] * (len(COLUMNS) - len(fields))
            rows.append({k: (v if v != "" else None) for k, v in zip(COLUMNS, fields)})
    return rows


def _text(value: str | None) -> str | None:
    return None if value is None else value.replace("_comma_", ",").strip()


def conversation(rows: list[dict]) -> str:
    """`Bob: <first>\\nJen: <second>\\n...`, by utterance_idx; speakers named by who spoke first and second."""
    rows = sorted(rows, key=lambda r: int(r["utterance_idx"]))
    speakers = {rows[0]["speaker_idx"]: INITIATOR}
    speakers[rows[1]["speaker_idx"]] = LISTENER  # (one speaker twice: all their lines are Jen's, as in HELM)
    lines = []
    for row in rows:
        if row["speaker_idx"] not in speakers:
            raise DataError(f"conversation {row['conv_id']} has a third speaker {row['speaker_idx']}")
        lines.append(f"{speakers[row['speaker_idx']]}: {row['utterance'] or ''}\n")
    return "".join(lines)


def split_instances(path: Path, split: str) -> list[Instance]:
    by_situation: dict[tuple[str, str], dict[tuple[str, str], list[dict]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in read_rows(path):
        row["prompt"], row["utterance"] = _text(row["prompt"]), _text(row["utterance"])
        if (
            row["prompt"] is None
            or row["context"] is None
            or row["conv_id"] is None
            or row["selfeval"] is None
        ):
            continue  # pandas' groupby leaves out rows whose key has a NaN
        by_situation[(row["prompt"], row["context"])][(row["conv_id"], row["selfeval"])].append(row)
    instances = []
    for (prompt, context), conversations in sorted(by_situation.items()):
        references = [
            Reference(conversation(rows), [CORRECT_TAG])
            for _, rows in sorted(conversations.items())
            if len(rows) >= 2
        ]
        instances.append(Instance(prompt, references, split, sub_split=context))
    return instances


class EmpatheticDialoguesScenario(Scenario):
    name = "empatheticdialogues"
    description = "A dataset of 25k conversations grounded in emotional situations."
    tags = ["interaction", "dialogue"]

    def get_instances(self) -> list[Instance]:
        root = ensure_file_downloaded(DATA_URL, self.data_path("data"), unpack=True, mirror=self.data_mirror)
        instances = []
        for name, split in SPLITS:
            path = root / f"{name}.csv"
            if path.exists():  # HELM skips a missing split
                instances += split_instances(path, split)
        return instances
