"""MS MARCO passage ranking as binary relevance questions, regular (dev small) and TREC 2019 tracks (§6.2).

An instance is a query; its references are candidate passages tagged `docid=<id>`, `correct` (gold),
`relevance=<r>` and `rank=<k>` (BM25 top-k rank). Train instances have one gold and one competitive wrong
passage; valid instances have every judged passage (plus the top `valid_topk` when given). All order comes
from one `random.Random(1885)` that shuffles the document ids, then the train and the valid query ids.

The documents file (8.8M passages) is read twice: once for the id order the shuffle needs, once for the
text of the passages the instances use, so only those are kept in memory (HELM keeps all of them).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from pathlib import Path

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import CORRECT_TAG, TRAIN_SPLIT, VALID_SPLIT, Instance, Reference, Scenario
from holistic.scenarios.download import ensure_file_downloaded

REGULAR_TRACK = "regular"
TREC_TRACK = "trec"
TRACKS = (REGULAR_TRACK, TREC_TRACK)

_CODALAB = "https://worksheets.codalab.org/rest/bundles/{}/contents/blob/"
_MSMARCO = "https://msmarco.blob.core.windows.net/msmarcoranking/{}"
# (file key) -> URL; the file is data/<key parts joined by _>.tsv
DATA_URLS: dict[tuple[str, ...], str] = {
    ("documents",): _CODALAB.format("0x50d32fc56ad04dd89510bf86f9c1c9d3"),
    (TRAIN_SPLIT, "queries"): _MSMARCO.format("queries.train.tsv"),
    (TRAIN_SPLIT, "qrels"): _MSMARCO.format("qrels.train.tsv"),
    (TRAIN_SPLIT, "topk"): _CODALAB.format("0x8c43d4ec02ea48d6a727683a9676b77b"),
    (REGULAR_TRACK, "queries"): _CODALAB.format("0xf5ccf54707b548f9a4c43502c6f15719"),
    (REGULAR_TRACK, "qrels"): _MSMARCO.format("qrels.dev.small.tsv"),
    (REGULAR_TRACK, "topk"): _CODALAB.format("0xbc3dfacb2b7746809e582ee01fa5fe70"),
    (TREC_TRACK, "queries"): _MSMARCO.format("msmarco-test2019-queries.tsv.gz"),
    (TREC_TRACK, "qrels"): "https://trec.nist.gov/data/deep/2019qrels-pass.txt",
    (TREC_TRACK, "topk"): _CODALAB.format("0x2e80572f93b748d594b817249013bdac"),
}
# TREC qrels are space-separated; HELM rewrites them with tabs, holistic reads either.
SPACE_SEPARATED = {(TREC_TRACK, "qrels")}

NUM_TRAIN_QUERIES = 1000
MIN_TOPK = 11
TRAIN_TOPK = 20
MAX_VALID_TOPK = 1000
SEED = 1885

GOLD_RELATIONS = {TRAIN_SPLIT: [1], REGULAR_TRACK: [1], TREC_TRACK: [2, 3]}

RECALL_MEASURES = [f"recall.{k}" for k in (1, 2, 3, 5, 10, 20)]
RECIP_RANK_MEASURES = [f"recip_rank.{k}" for k in (5, 10, 20)]
SUCCESS_MEASURES = [f"success.{k}" for k in (1, 2, 3, 5, 10, 20)]
NDCG_CUT_MEASURES = [f"ndcg_cut.{k}" for k in (5, 10, 20)]
MEASURE_NAMES = {
    REGULAR_TRACK: SUCCESS_MEASURES + RECALL_MEASURES + RECIP_RANK_MEASURES,
    TREC_TRACK: SUCCESS_MEASURES + RECALL_MEASURES + RECIP_RANK_MEASURES + NDCG_CUT_MEASURES,
}


def check_arguments(track: str, valid_topk: int | None) -> None:
    if track not in TRACKS:
        raise DescriptionError(f"unknown msmarco track '{track}' ({one_of(TRACKS)})")
    if valid_topk is not None and not MIN_TOPK <= valid_topk <= MAX_VALID_TOPK:
        raise DescriptionError(
            f"msmarco valid_topk must be between {MIN_TOPK} and {MAX_VALID_TOPK}, not {valid_topk}"
        )


def parse_valid_topk(valid_topk: int | str | None) -> int | None:
    if valid_topk is None or valid_topk == "None":
        return None
    try:
        return int(valid_topk)
    except ValueError:
        raise DescriptionError(
            f"msmarco valid_topk must be an integer between {MIN_TOPK} and {MAX_VALID_TOPK}, not '{valid_topk}'"
        ) from None


class MSMARCOScenario(Scenario):
    name = "msmarco"
    description = "Microsoft Machine Reading Comprehension"
    tags = ["information_retrieval"]

    def __init__(self, track: str, valid_topk: int | None = None) -> None:
        valid_topk = parse_valid_topk(valid_topk)
        check_arguments(track, valid_topk)
        self.track = track
        self.valid_topk = valid_topk
        self.gold_relations = {
            TRAIN_SPLIT: set(GOLD_RELATIONS[TRAIN_SPLIT]),
            VALID_SPLIT: set(GOLD_RELATIONS[track]),
        }

    # Reading ----------------------------------------------------------------------------------------

    def _file(self, key: tuple[str, ...]) -> Path:
        target = self.data_path("data", f"{'_'.join(key)}.tsv")
        return ensure_file_downloaded(DATA_URLS[key], target, mirror=self.data_mirror)

    def _rows(self, key: tuple[str, ...], width: int) -> Iterator[list[str]]:
        """Records of a data file, parsed as HELM does (`csv.reader` with tabs, so `"` quotes fields)."""
        path = self._file(key)
        with open(path, encoding="utf-8", newline="") as f:
            lines: Iterator[str] = f
            if key in SPACE_SEPARATED:
                lines = io.StringIO(f.read().replace(" ", "\t"))
            for number, record in enumerate(csv.reader(lines, delimiter="\t"), start=1):
                if len(record) != width:
                    raise DataError(f"{path}: record {number} has {len(record)} fields (expected {width})")
                yield record

    def _queries(self, key: tuple[str, ...]) -> dict[int, str]:
        return {int(qid): text for qid, text in self._rows(key, 2)}

    def _qrels(self, key: tuple[str, ...]) -> dict[int, dict[int, int]]:
        qrels: dict[int, dict[int, int]] = {}
        for qid, _, docid, relevance in self._rows(key, 4):
            qrels.setdefault(int(qid), {})[int(docid)] = int(relevance)
        return qrels

    def _topk(self, key: tuple[str, ...]) -> dict[int, dict[int, int]]:
        topk: dict[int, dict[int, int]] = {}
        for qid, docid, rank in self._rows(key, 3):
            topk.setdefault(int(qid), {})[int(docid)] = int(rank)
        return topk

    # Instances --------------------------------------------------------------------------------------

    def _filter(
        self, qids: list[int], qrels: dict, topk: dict, gold: set[int], min_topk: int | None
    ) -> list[int]:
        """Queries with a gold judgment and (when `min_topk` is set) at least that many top-k passages."""
        kept = [q for q in qids if q in qrels and gold & set(qrels[q].values())]
        if min_topk is not None:
            kept = [q for q in kept if q in topk and len(topk[q]) >= min_topk]
        return kept

    def get_instances(self) -> list[Instance]:
        # Unique ids in order of first appearance (HELM keys a dict by them).
        docids = list(dict.fromkeys(int(docid) for docid, _ in self._rows(("documents",), 2)))
        train_queries = self._queries((TRAIN_SPLIT, "queries"))
        train_qrels = self._qrels((TRAIN_SPLIT, "qrels"))
        train_topk = self._topk((TRAIN_SPLIT, "topk"))
        valid_queries = self._queries((self.track, "queries"))
        valid_qrels = self._qrels((self.track, "qrels"))
        valid_topk = self._topk((self.track, "topk"))

        rng = random.Random(SEED)
        rng.shuffle(docids)
        order = {docid: index for index, docid in enumerate(docids)}
        del docids
        train_qids, valid_qids = list(train_queries), list(valid_queries)
        rng.shuffle(train_qids)
        rng.shuffle(valid_qids)

        def ordered(qid: int, candidates: list[int]) -> list[int]:
            unknown = [d for d in candidates if d not in order]
            if unknown:
                raise DataError(
                    f"msmarco query {qid} refers to passage {unknown[0]}, which is not in the documents file"
                )
            return sorted(set(candidates), key=order.__getitem__)

        # (split, qid, docids in shuffled-document order)
        plan: list[tuple[str, int, list[int]]] = []
        gold = self.gold_relations[TRAIN_SPLIT]
        for qid in self._filter(train_qids, train_qrels, train_topk, gold, TRAIN_TOPK)[:NUM_TRAIN_QUERIES]:
            judged = train_qrels[qid]
            correct = sorted(judged, key=judged.__getitem__, reverse=True)[0]
            # A competitive wrong passage: the first top-k passage ranked 11..20 that is not gold.
            wrong = [
                d
                for d, k in train_topk[qid].items()
                if MIN_TOPK <= k <= TRAIN_TOPK and judged.get(d) not in gold
            ]
            if not wrong:
                raise DataError(
                    f"msmarco train query {qid} has no non-gold passage ranked {MIN_TOPK}..{TRAIN_TOPK}"
                )
            plan.append((TRAIN_SPLIT, qid, ordered(qid, [correct, wrong[0]])))
        gold = self.gold_relations[VALID_SPLIT]
        for qid in self._filter(valid_qids, valid_qrels, valid_topk, gold, self.valid_topk):
            candidates = list(valid_qrels[qid])
            if self.valid_topk is not None:
                candidates += [d for d, k in valid_topk[qid].items() if k <= self.valid_topk]
            plan.append((VALID_SPLIT, qid, ordered(qid, candidates)))

        needed = {docid for _, _, ids in plan for docid in ids}
        texts = {int(docid): text for docid, text in self._rows(("documents",), 2) if int(docid) in needed}

        instances = []
        for split, qid, ids in plan:
            queries, qrels, topk = (
                (train_queries, train_qrels, train_topk)
                if split == TRAIN_SPLIT
                else (valid_queries, valid_qrels, valid_topk)
            )
            references = []
            for docid in ids:
                relevance = qrels[qid].get(docid)
                rank = topk.get(qid, {}).get(docid)
                tags = [f"docid={docid}"]
                if relevance in self.gold_relations[split]:
                    tags.append(CORRECT_TAG)
                if relevance:
                    tags.append(f"relevance={relevance}")
                if rank:
                    tags.append(f"rank={rank}")
                references.append(Reference(texts[docid], tags))
            instances.append(Instance(input=queries[qid], references=references, split=split))
        return instances
