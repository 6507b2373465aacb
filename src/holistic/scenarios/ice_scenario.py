"""International Corpus of English (ICE): per-text language modelling across regional Englishes (§6.2).

ICE is licensed per region and cannot be downloaded. Extract each subset's archive so that its directory
(`SUBSET_DIRECTORIES`, e.g. `ICE India`) lies in `restricted/ice/` under the working directory (HELM's
place), in `<output-path>/scenarios/ice/`, or in a data mirror's `ice/`. Texts lose their markup as HELM
strips it (speaker turns stay); `gender` keeps texts whose every author or speaker has that gender, from the
metadata of the subsets that have it (can, hk: `.xls` sheets, read with pandas and xlrd; ind, usa: `.hdr`
header files).
"""

from __future__ import annotations

import re
from pathlib import Path

from holistic.errors import DataError, DescriptionError, one_of
from holistic.scenarios.base import TEST_SPLIT, Instance, Scenario
from holistic.scenarios.download import data_mirror

SUBSET_DIRECTORIES = {  # in HELM's order, which is the order of an unfiltered run
    "can": "ICE-CAN",
    "ja": "ICE-JA",
    "hk": "ICE-HK",
    "ind": "ICE India",
    "sin": "ICE SINGAPORE",
    "phi": "ICE Philippines",
    "usa": "ICE-USA",
    "ea": "ICE-EA/corpus/retagged for wsmith",
    "irl": "ICE-IRL/ICE-Ireland version 1.2#6DAE.2/ICE-Ireland txt",
}
# Subsets with author/speaker metadata: subset -> (files, columns holding a gender) for .xls, None for .hdr.
METADATA = {
    "can": [("Spoken ICE-CAN metadata.xls", [12]), ("Written ICE-CAN metadata.xls", [12, 19])],
    "hk": [("HKRecords.xls", [16])],
    "ind": None,
    "usa": None,
}
GENDERS = {"male": {"M", "m", "Male", "male"}, "female": {"F", "f", "Female", "female"}}
CATEGORIES = ("all", "S", "W", "S1", "S2", "W1", "W2")
# East Africa names its files by genre rather than by ICE text code.
EAST_AFRICA_CATEGORIES = {
    **dict.fromkeys(["brdisc", "brint", "clless", "conv", "conv1", "conv2", "crossx", "parlia"], "S1"),
    **dict.fromkeys(["brnews", "brtalk", "schbr", "splect"], "S2"),
    **dict.fromkeys(["buslet", "essays", "exam", "judge", "soclet"], "W1"),
    **dict.fromkeys(
        ["column", "crea", "creat1", "creat2", "editor", "feat", "instruct", "ldhum", "ldnats", "ldsoc"]
        + ["ldtech", "ppgen", "pphum", "ppnats", "ppsoc", "pptech", "splash"],
        "W2",
    ),
}

# Markup handling, in HELM's order: deleted patterns, replacements, tags dropped (content kept), and tags
# removed together with their content.
_DELETE = [
    r"[WS]\d[A-F]-\d{3} *", " <l> ", "<#> ", r"BBB\S+ \S+RRR *", r"BBB\S+ *", r"RRR\S+ *", "UUU", r"III\S+ *",
]  # fmt: skip
_REPLACE = [
    (r"<\/*mention>", '"'), (r"</\*\*>", "*"), (r"</\*\*/>", "*"), ("&eacute;", "é"), (" <,+>", ","),
    ("&ersand;", "&"), ("&obrack;", "("), ("&cbrack;", ")"), ("&percent;", "%"), ("&hash;", "#"),
    ("&dash", "-"), ("&ldquo;", '"'), ("&atsign;", "@"), (r"\n+[\n ]+", "\n\n"), (r"\S+><\+_(\S+)>", r"\1"),
]  # fmt: skip
_UNTAG = [
    "I", "ICE.+", r"[\[\]\{\}]\d*", "X", "@", "quote", "foreign", "indig", "smallcaps", "roman", "sb", "ss",
    "footnote", "p", "h", "bold", "it", "ul", r"\+", r"\=", r"\?", "sp", "}", "ea", "slang",
]  # fmt: skip
_UNTAG_PATTERN = re.compile(r"<\/*(" + "|".join(_UNTAG) + ")>")
_REMOVE = ["O", "-", "&", ".", "fnr", "marginalia", "del", "w"]
_EAST_AFRICA_TEXT_BOUNDARY = re.compile(r"[WS]\d[A-F]\d{3}[A-Z]*[KT]\n")


def preprocess_text(text: str) -> str:
    text = text.strip()
    for pattern in _DELETE:
        text = re.sub(pattern, "", text)
    for pattern, replacement in _REPLACE:
        text = re.sub(pattern, replacement, text)
    text = _UNTAG_PATTERN.sub("", text)
    for tag in _REMOVE:
        # Innermost first: each closing tag takes the nearest opening tag before it (or only itself).
        end_tag = f"</{tag}>"
        end = text.find(end_tag)
        while end >= 0:
            start = text[:end].rfind(f"<{tag}>")
            if start == -1:
                start = end
            text = text[:start] + text[end + len(end_tag) :]
            end = text.find(end_tag)
    return text.strip()


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return path.read_text(encoding="iso-8859-1")


class ICEScenario(Scenario):
    name = "ice"
    description = "International Corpus of English (ICE)"
    tags = ["language_modeling", "harms", "fairness"]

    def __init__(self, subset: str | None = None, gender: str | None = None, category: str = "all") -> None:
        if subset and subset not in SUBSET_DIRECTORIES:
            raise DescriptionError(f"unknown ice subset '{subset}' ({one_of(SUBSET_DIRECTORIES, subset)})")
        if gender and gender not in GENDERS:
            raise DescriptionError(f"unknown ice gender '{gender}' ({one_of(GENDERS)})")
        if category not in CATEGORIES:
            raise DescriptionError(f"unknown ice category '{category}' ({one_of(CATEGORIES)})")
        if gender and subset and subset not in METADATA:
            raise DescriptionError(
                f"ice subset {subset} has no speaker metadata to filter by gender ({one_of(METADATA)})"
            )
        self.subsets = [subset] if subset else list(METADATA if gender else SUBSET_DIRECTORIES)
        self.gender = gender
        self.category = category

    def subset_directory(self, subset: str) -> Path:
        relative = SUBSET_DIRECTORIES[subset]
        candidates = [Path("restricted", "ice", relative), self.data_path(relative)]
        mirror = data_mirror(self.data_mirror)
        if mirror:
            candidates.append(Path(mirror, "ice", relative))
        for candidate in candidates:
            if candidate.is_dir():
                return candidate
        raise DataError(
            f"ice needs the restricted ICE corpus: extract the {subset} subset so that '{relative}' lies in "
            f"restricted/ice/ (under the working directory, as HELM) or in {self.data_path()}"
        )

    def in_category(self, subset: str, filename: str) -> bool:
        if self.category == "all":
            return True
        if subset == "ea":
            genre = filename.replace("-", "")[:-5].lower()
            if genre not in EAST_AFRICA_CATEGORIES:
                raise DataError(f"ICE East Africa file {filename} has no known genre ({genre})")
            return EAST_AFRICA_CATEGORIES[genre].startswith(self.category)
        return filename.upper().startswith(self.category)

    def texts_of_gender(self, subset: str, headers: Path, filenames: list[str]) -> list[str]:
        """Corpus files whose authors/speakers all have the requested gender (matched by text-code prefix)."""
        assert self.gender is not None
        accepted = GENDERS[self.gender]
        codes: set[str] = set()
        spreadsheets = METADATA[subset]
        if spreadsheets is None:
            for header in sorted(headers.glob("*hdr")) if headers.is_dir() else []:
                genders = re.findall(r"(?<=<gender>)\w+(?=<\/gender>)", _read_text(header))
                if genders and all(g in accepted for g in genders):
                    codes.add(header.name[:-4])
        else:
            try:
                import pandas as pd
            except ImportError:
                raise DataError(
                    "ice gender filtering of can and hk reads .xls metadata: pip install pandas xlrd"
                ) from None
            for name, columns in spreadsheets:
                sheets = pd.read_excel(headers / name, sheet_name=[0] if subset == "can" else None)
                for sheet in sheets.values():
                    for row in range(len(sheet)):
                        if not pd.isna(sheet.iat[row, 0]) and any(
                            sheet.iat[row, c] in accepted for c in columns
                        ):
                            codes.add(sheet.iat[row, 0])
        patterns = [re.compile(code, re.IGNORECASE) for code in codes]
        return sorted(f for f in filenames if any(p.match(f) for p in patterns))

    def get_instances(self) -> list[Instance]:
        instances = []
        for subset in self.subsets:
            directory = self.subset_directory(subset)
            entries = {p.name for p in directory.iterdir()}
            corpus_name = next((n for n in ("Corpus", "CORPUS") if n in entries), None) or {
                "irl": "ICE combined running txt",
                "ea": "all east africa",
            }.get(subset, "corpus")
            corpus = directory / corpus_name
            if not corpus.is_dir():
                raise DataError(f"ICE {subset}: no corpus directory {corpus}")
            # HELM lists the directory unsorted (file-system order); sorted here so runs are reproducible.
            filenames = sorted(p.name for p in corpus.iterdir() if p.is_file())
            if self.gender and subset in METADATA:
                filenames = self.texts_of_gender(subset, directory / "Headers", filenames)
            for filename in filenames:
                if not self.in_category(subset, filename):
                    continue
                text = _read_text(corpus / filename)
                parts = _EAST_AFRICA_TEXT_BOUNDARY.split(text) if subset == "ea" else [text]
                instances += [Instance(preprocess_text(t), [], split=TEST_SPLIT) for t in parts if t]
        return instances
