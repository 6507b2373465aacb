"""The report schema (`schema.yaml`): models, metrics, perturbations, metric groups and run groups (§10.3)."""

from __future__ import annotations

import functools
import os
import pickle
import sys
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from holistic.errors import ConfigError
from holistic.jsonio import from_dict
from holistic.user_cache import user_cache_dir

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")

BY_METRIC = "by_metric"
BY_GROUP = "by_group"
ALL_GROUPS = "all_groups"
THIS_GROUP_ONLY = "this_group_only"
NO_GROUPS = "no_groups"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    """`<organization>/<engine>`."""

    display_name: str
    """Name shown in tables."""

    short_display_name: str | None = None
    """Shorter name for plots."""

    description: str = ""
    """One sentence about the model."""

    creator_organization: str = ""
    """Who trained it."""

    access: str = ""
    """`open`, `limited` or `closed`."""

    release_date: str | None = None
    """YYYY-MM-DD."""

    num_parameters: int | None = None
    """Parameter count, when known."""

    todo: bool = False
    """Listed but not evaluated yet."""


@dataclass(frozen=True)
class FieldEntry:
    """A metric, perturbation or adapter field: how to name and read it."""

    name: str
    """Name as it appears in stats or specs."""

    display_name: str | None = None
    """Long name."""

    short_display_name: str | None = None
    """Column header."""

    description: str = ""
    """What it measures."""

    lower_is_better: bool | None = None
    """Direction of goodness; None when the value is informational."""

    @property
    def short(self) -> str:
        return self.short_display_name or self.display_name or self.name


def substitute_text(value: str, environment: dict[str, str]) -> str:
    """`value` with each `${key}` of the environment replaced."""
    for key, replacement in environment.items():
        value = value.replace("${" + key + "}", str(replacement))
    return value


@dataclass(frozen=True)
class MetricMatcher:
    """Selects stats by name, split, sub-split and perturbation; `${main_name}`-style values are templates."""

    name: str
    """Stat name or `${main_name}`."""

    split: str
    """Split or `${main_split}`."""

    sub_split: str | None = None
    """Restrict to one sub-split; None merges them all."""

    perturbation_name: str | None = None
    """`robustness`, `fairness`, a perturbation name, or None for unperturbed stats."""

    def substitute(self, environment: dict[str, str]) -> MetricMatcher:
        return replace(
            self,
            name=substitute_text(self.name, environment),
            split=substitute_text(self.split, environment),
            sub_split=substitute_text(self.sub_split, environment) if self.sub_split is not None else None,
        )

    @property
    def resolved(self) -> bool:
        return "${" not in self.name and "${" not in self.split


@dataclass(frozen=True)
class MetricGroup:
    name: str
    """Identifier (`accuracy`)."""

    display_name: str
    """Title of its tables."""

    description: str = ""
    """What the group measures."""

    metrics: tuple[MetricMatcher, ...] = ()
    """Columns, in order."""


@dataclass(frozen=True)
class RunGroup:
    name: str
    """Identifier; RunSpecs list it in `groups`."""

    display_name: str
    """Title of its page."""

    description: str = ""
    """What the scenario or group is."""

    short_display_name: str | None = None
    """Prefix of column headers on parent pages."""

    metric_groups: tuple[str, ...] = ()
    """Metric groups shown for its runs."""

    subgroups: tuple[str, ...] = ()
    """Child groups."""

    sub_splits: tuple[str, ...] = ()
    """Sub-splits that get their own tables."""

    subgroup_display_mode: str = BY_METRIC
    """`by_metric` (one table per metric group) or `by_group` (tables per subgroup)."""

    environment: dict[str, str] = field(default_factory=dict)
    """Values of `${main_name}` and `${main_split}`."""

    category: str = "Scenarios"
    """Section of the groups overview."""

    visibility: str = ALL_GROUPS
    """`all_groups`, `this_group_only` or `no_groups`."""

    taxonomy: dict[str, str] | None = None
    """task, what, who, when, language."""

    todo: bool = False
    """Planned but not evaluated yet."""

    adapter_keys_shown: tuple[str, ...] = ("model",)
    """Adapter fields that distinguish table rows."""

    ad_hoc: bool = False
    """Made up by the summarizer for a group name missing from the schema."""

    @property
    def short(self) -> str:
        return self.short_display_name or self.display_name


@dataclass(frozen=True)
class Schema:
    models: tuple[ModelEntry, ...]
    """Models, in leaderboard row order."""

    adapter: tuple[FieldEntry, ...]
    """Descriptions of AdapterSpec fields."""

    metrics: tuple[FieldEntry, ...]
    """Known stat names."""

    perturbations: tuple[FieldEntry, ...]
    """Known perturbation names."""

    metric_groups: tuple[MetricGroup, ...]
    """Metric groups."""

    run_groups: tuple[RunGroup, ...]
    """Run groups (scenarios and their parents)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_models", {m.name: m for m in self.models})
        object.__setattr__(self, "_metrics", {m.name: m for m in self.metrics})
        object.__setattr__(self, "_perturbations", {p.name: p for p in self.perturbations})
        object.__setattr__(self, "_metric_groups", {g.name: g for g in self.metric_groups})
        object.__setattr__(self, "_run_groups", {g.name: g for g in self.run_groups})

    def model(self, name: str) -> ModelEntry | None:
        return self._models.get(name)  # type: ignore[attr-defined]

    def model_order(self, name: str) -> int:
        """Position of a model in the schema; unknown models sort first (as HELM)."""
        for i, model in enumerate(self.models):
            if model.name == name:
                return i
        return -1

    def metric(self, name: str) -> FieldEntry | None:
        """A stat name's entry; `name@k` variants (exact_match@5) inherit the entry of `name`."""
        entry = self._metrics.get(name)  # type: ignore[attr-defined]
        if entry is None and "@" in name:
            base, _, k = name.rpartition("@")
            parent = self._metrics.get(base)  # type: ignore[attr-defined]
            if parent is not None and k.isdigit():
                entry = replace(
                    parent,
                    name=name,
                    display_name=f"{parent.display_name or base}@{k}",
                    short_display_name=f"{parent.short}@{k}",
                    description=f"{parent.description} Best of the top {k} outputs.",
                )
        return entry

    def perturbation(self, name: str) -> FieldEntry | None:
        return self._perturbations.get(name)  # type: ignore[attr-defined]

    def metric_group(self, name: str) -> MetricGroup | None:
        return self._metric_groups.get(name)  # type: ignore[attr-defined]

    def run_group(self, name: str) -> RunGroup | None:
        return self._run_groups.get(name)  # type: ignore[attr-defined]

    def with_run_groups(self, extra: list[RunGroup]) -> Schema:
        return replace(self, run_groups=(*self.run_groups, *extra))


def _text(value: Any) -> Any:
    # YAML reads a bare date (release_date: 2022-11-01) as datetime.date; the schema keeps text.
    return value if value is None or isinstance(value, str) else str(value)


SECTIONS = ("models", "adapter", "metrics", "perturbations", "metric_groups", "run_groups")


def parse_schema(data: dict[str, Any], source: str = "schema") -> Schema:
    import dacite

    try:
        sections = {key: data.get(key) or [] for key in SECTIONS}
        return from_dict(Schema, sections, type_hooks={str: _text})
    except (TypeError, AttributeError, dacite.DaciteError) as e:
        raise ConfigError(f"{source} is malformed: {e}") from None


@functools.lru_cache(maxsize=4)
def load_schema(path: str | None = None) -> Schema:
    """Read a schema YAML (the packaged one by default), through the parsed-schema cache when it is current."""
    source = Path(path) if path else SCHEMA_PATH
    key = _cache_key(source)
    cached = _read_cached(key)
    if cached is not None:
        return cached
    schema = _parse_schema_file(source)
    if key is not None:
        _write_cached(key, schema)
    return schema


def _parse_schema_file(source: Path) -> Schema:
    import yaml

    try:
        text = source.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"cannot read schema {source}: {e.strerror}") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as e:
        raise ConfigError(f"schema {source} is not valid YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"schema {source} must be a mapping with models, metrics, metric_groups and run_groups"
        )
    return parse_schema(data, str(source))


# Parsing the packaged schema (YAML, then dataclasses) takes ~40 ms, a tenth of a whole helm-summarize of a
# small suite; the parsed Schema is kept as a pickle in the user's cache, valid while the YAML file and this
# module are unchanged (size and modification time of both, and the Python version).


def schema_cache_dir() -> Path:
    return user_cache_dir() / "schema"


def _cache_key(source: Path) -> str | None:
    try:
        yaml_stat = source.stat()
        code_stat = os.stat(__file__)
    except OSError:
        return None  # read_text below reports a missing schema
    return "|".join(
        map(
            str,
            (
                source.resolve(),
                yaml_stat.st_size,
                yaml_stat.st_mtime_ns,
                code_stat.st_size,
                code_stat.st_mtime_ns,
                sys.version_info[:2],
            ),
        )
    )


def _cache_file(key: str) -> Path:
    return schema_cache_dir() / f"{zlib.crc32(key.encode()):08x}.pickle"


def _read_cached(key: str | None) -> Schema | None:
    if key is None:
        return None
    try:
        with open(_cache_file(key), "rb") as f:
            stored_key, schema = pickle.load(f)
    except Exception:  # absent, unreadable, or written by other code: parse the YAML instead
        return None
    return schema if stored_key == key and isinstance(schema, Schema) else None


def _write_cached(key: str, schema: Schema) -> None:
    target = _cache_file(key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps((key, schema), protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(target)  # atomic: concurrent summarizes never read half a file
    except OSError:
        pass  # a read-only home only costs the parse next time
