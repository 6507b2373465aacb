"""The import rules of docs/architecture.md, checked on the source (pure Python: the AST of src/holistic).

Every import counts, lazy ones inside functions too; only `if TYPE_CHECKING:` blocks are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "holistic"

# Leaf modules every package may use.
FOUNDATION = {
    "errors",
    "jsonio",
    "atomic_files",
    "legacy_random",
    "progress",
    "resolve",
    "helm_version",
    "user_cache",
}
# What each package may import besides itself and FOUNDATION: the packages drawn below it in the picture of
# docs/architecture.md (the one direction of imports).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "jsonio": {"atomic_files"},
    "atomic_files": set(),
    "legacy_random": set(),
    "progress": set(),
    "user_cache": set(),
    "resolve": {"errors"},
    "helm_version": {"errors"},
    "specs": set(),
    "models": set(),
    "scenarios": {"specs", "models"},
    "augmentation": {"specs", "models", "scenarios"},
    "adaptation": {"specs", "models", "scenarios", "augmentation"},
    "execution": {"specs", "models", "scenarios", "augmentation", "adaptation"},
    "metrics": {"specs", "models", "scenarios", "augmentation", "adaptation"},
    "run_specs": {"specs", "models", "scenarios", "augmentation"},
    "runner": {"specs", "models", "scenarios", "augmentation", "adaptation", "execution", "metrics"},
    "report": {"models"},  # and run directories, read as JSON
    "plugins": {"specs", "models", "scenarios", "augmentation", "metrics", "run_specs"},
    "api": {
        "specs",
        "models",
        "scenarios",
        "augmentation",
        "adaptation",
        "metrics",
        "run_specs",
        "runner",
        "report",
        "plugins",
    },
    "cli": {"specs", "models", "scenarios", "run_specs", "runner", "report", "plugins", "api"},
}


def _modules(root: Path) -> dict[str, Path]:
    modules = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for each holistic import outside TYPE_CHECKING."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        test = getattr(node, "test", None)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(test):
            skipped |= {id(inner) for statement in node.body for inner in ast.walk(statement)}
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if f"{base}.{alias.name}" in modules:  # `from package import module`
                    found.append((f"{base}.{alias.name}", None, node.lineno))
                else:
                    found.append((base, alias.name, node.lineno))
    return [
        (target, name, line) for target, name, line in found if target.split(".")[0] == root_name(modules)
    ]


def root_name(modules: dict[str, Path]) -> str:
    return min(modules, key=len)


def _owner(modules: dict[str, Path], target: str) -> str:
    while target not in modules and "." in target:
        target = target.rpartition(".")[0]
    return target


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def check(root: Path) -> list[str]:
    """Every break of the rules in the package at `root`, one line each (empty when it is clean)."""
    modules = _modules(root)
    edges: dict[str, set[str]] = {}
    findings = []
    for module, path in sorted(modules.items()):
        for target, name, line in _imports(module, path, modules):
            owner = _owner(modules, target)
            if owner == module:
                continue
            edges.setdefault(module, set()).add(owner)
            where = f"{path.relative_to(root.parent)}:{line}"
            source, destination = _stage(module), _stage(owner)
            if source and destination and source != destination:
                allowed = FOUNDATION | ALLOWED.get(source, set())
                if source in FOUNDATION:
                    allowed = ALLOWED[source]
                if destination not in allowed:
                    findings.append(f"{where}: {source} may not import {destination} ({module} -> {owner})")
                if name and name.startswith("_") and not name.startswith("__"):
                    findings.append(f"{where}: {module} uses the private name {owner}.{name}")
    findings += [f"import cycle: {' -> '.join(cycle)}" for cycle in _cycles(edges)]
    return list(dict.fromkeys(findings))


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (iterative Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_every_package_is_placed_in_the_architecture():
    stages = {_stage(m) for m in _modules(SOURCE)} - {""}
    assert stages <= set(ALLOWED), f"add {sorted(stages - set(ALLOWED))} to ALLOWED and docs/architecture.md"


def test_holistic_follows_the_import_rules():
    assert check(SOURCE) == []


def test_the_documented_picture_lists_every_package():
    text = (SOURCE.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    for stage in ALLOWED:
        assert f"{stage}" in text


def _write(root: Path, files: dict[str, str]) -> Path:
    package = root / "holistic"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        for parent in path.relative_to(package).parents:
            (package / parent / "__init__.py").touch()
    return package


CLEAN = {
    "specs/run_spec.py": "from holistic.errors import E\n",
    "models/registry.py": "_BY_NAME = {}\ndef find_model(n): ...\n",
    "report/tables.py": "def f():\n    from holistic.models.registry import find_model\n",
    "errors.py": "class E(Exception): ...\n",
}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"specs/construct.py": "def f():\n    from holistic.models.registry import get_model\n"},
         "specs may not import models"),
        ({"report/tables.py": "from holistic.models.registry import _BY_NAME\n"}, "private name"),
        ({"models/registry.py": "from holistic.models import dynamic\n",
          "models/dynamic.py": "from holistic.models.registry import find_model\n"}, "import cycle"),
        ({"specs/expanders.py": "from ..augmentation.options import X\n",
          "augmentation/options.py": "X = 1\n"}, "specs may not import augmentation"),
        ({"models/x.py": "if TYPE_CHECKING:\n    import holistic.metrics.m\nimport holistic.metrics.m\n",
          "metrics/m.py": ""}, "models may not import metrics"),
    ],
)  # fmt: skip
def test_the_checker_catches_each_kind_of_break(tmp_path, extra, expected):
    assert check(_write(tmp_path / "clean", CLEAN)) == []
    findings = check(_write(tmp_path / "broken", {**CLEAN, **extra}))
    assert any(expected in finding for finding in findings), findings


def test_type_checking_imports_do_not_count(tmp_path):
    files = {
        **CLEAN,
        "specs/x.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import holistic.models.registry\n",
    }
    assert check(_write(tmp_path, files)) == []
