"""Plug-ins: scenarios, run-spec functions, metrics, perturbations, clients and tokenizers added without forking.

A plug-in is a Python module that registers what it adds with the decorators below when it is imported.
holistic imports plug-ins from two places, only when a command needs them (so `helm-run --help` imports
nothing): the entry-point group `holistic` of installed packages (`[project.entry-points.holistic]
my_plugin = "my_package.plugin"`) and `--plugins MODULE_OR_PATH` on every command (a module name or a path
to a .py file). Every decorator feeds the one mechanism its stage already has: `resolve.register_class` for
classes named in specs, `run_specs.register_run_spec_function` for scenario keys, `CLIENT_CLASSES` for
clients and `tokenizers.register_tokenizer` for tokenizers.

A plug-in that fails to import is reported as that, naming the plug-in (never as an unknown scenario later).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

from holistic.errors import HolisticError
from holistic.resolve import register_class

ENTRY_POINT_GROUP = "holistic"

T = TypeVar("T")

_LOADED: dict[str, ModuleType] = {}
_entry_points_loaded = False


class PluginError(HolisticError):
    """A plug-in could not be found or raised while being imported."""


def class_name_of(cls: type) -> str:
    """The class name a spec uses for `cls` (`package.module.Class`)."""
    return f"{cls.__module__}.{cls.__qualname__}"


# ---- decorators ---------------------------------------------------------------------------------------------


def register_scenario(cls: type[T]) -> type[T]:
    """Class decorator: a `holistic.Scenario` subclass, named in ScenarioSpecs by `class_name_of(cls)`."""
    from holistic.scenarios import Scenario

    _check_subclass(cls, Scenario, "scenario")
    register_class("holistic.scenarios", class_name_of(cls), cls)
    return cls


def register_metric(cls: type[T]) -> type[T]:
    """Class decorator: a `holistic.Metric` subclass, named in MetricSpecs by `class_name_of(cls)`."""
    from holistic.metrics import Metric

    _check_subclass(cls, Metric, "metric")
    register_class("holistic.metrics", class_name_of(cls), cls)
    return cls


def register_perturbation(cls: type[T]) -> type[T]:
    """Class decorator: a `holistic.Perturbation` subclass, named in PerturbationSpecs by `class_name_of(cls)`."""
    from holistic.augmentation.perturbation import Perturbation

    _check_subclass(cls, Perturbation, "perturbation")
    register_class("holistic.augmentation", class_name_of(cls), cls)
    return cls


def register_run_spec(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Function decorator: `name` becomes a scenario key; the function's keyword parameters are its arguments."""

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        from holistic.run_specs import register_run_spec_function

        register_run_spec_function(name, function)
        return function

    return decorate


def register_client(name: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: a `holistic.Client` subclass, used by models whose `client` is `name`."""

    def decorate(cls: type[T]) -> type[T]:
        from holistic.models.clients import register_client as add_client

        add_client(name, cls)  # type: ignore[arg-type]
        return cls

    return decorate


def register_tokenizer(name: str) -> Callable[[T], T]:
    """Decorator of a `holistic.Tokenizer` subclass (built without arguments) or of a function returning one."""

    def decorate(factory: T) -> T:
        from holistic.models.tokenizers import register_tokenizer as add_tokenizer

        add_tokenizer(name, factory)  # type: ignore[arg-type]
        return factory

    return decorate


def _check_subclass(cls: object, base: type, kind: str) -> None:
    if not (isinstance(cls, type) and issubclass(cls, base)):
        raise PluginError(f"{cls!r} is not a {kind} class (subclass holistic.{base.__name__})")


# ---- loading ------------------------------------------------------------------------------------------------


def load_plugins(names: Iterable[str] = (), entry_points: bool = True) -> list[str]:
    """Import the plug-ins of installed packages (once per process) and those named; returns what was loaded."""
    global _entry_points_loaded
    loaded = []
    if entry_points and not _entry_points_loaded and _may_declare_entry_points():
        from importlib.metadata import entry_points as find_entry_points

        for entry in sorted(find_entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            package = entry.dist.name if entry.dist is not None else "an installed package"
            _load(f"entry point {entry.name}", entry.value, f"entry point '{entry.name}' of {package}")
            loaded.append(entry.name)
        # Only once all loaded: after a failure, the next call reports the broken plug-in again.
        _entry_points_loaded = True
    for name in names:
        _load(name, name, f"--plugins {name}")
        loaded.append(name)
    return loaded


def _may_declare_entry_points() -> bool:
    """False when no installed distribution declares an entry point of our group: then importlib.metadata,
    whose import and scan of every distribution cost a helm-run 20-30 ms, is not needed. Reads only the
    `entry_points.txt` of each `*.dist-info`/`*.egg-info` on sys.path; anything it cannot rule out (a zip on
    the path, another distribution finder) says True, and importlib.metadata decides."""
    from importlib.machinery import PathFinder

    if any(hasattr(f, "find_distributions") and f is not PathFinder for f in sys.meta_path):
        return True
    for entry in sys.path:
        directory = entry or "."
        try:
            with os.scandir(directory) as found:
                names = [e.name for e in found if e.name.endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                continue
            for line in text.splitlines():
                line = line.strip()
                if line.startswith("[") and line.endswith("]") and line[1:-1].strip() == ENTRY_POINT_GROUP:
                    return True
    return False


def _load(key: str, target: str, origin: str) -> ModuleType:
    if key in _LOADED:
        return _LOADED[key]
    module_name = target.split(":")[0].strip()
    path = Path(module_name)
    try:
        if module_name.endswith(".py") or path.is_file():
            module = _import_file(path, origin)
        else:
            if not _module_exists(module_name):
                raise PluginError(
                    f"plug-in {module_name} ({origin}) not found (give an importable module or a path to a .py file)"
                )
            module = importlib.import_module(module_name)
    except HolisticError:
        raise
    except Exception as e:  # a plug-in's own failure: name it, and say what it raised
        raise PluginError(
            f"plug-in {module_name} ({origin}) failed to import: {type(e).__name__}: {e}"
        ) from e
    _LOADED[key] = module
    return module


def _import_file(path: Path, origin: str) -> ModuleType:
    if not path.is_file():
        raise PluginError(f"plug-in file {path} ({origin}) does not exist (give a path to a .py file)")
    resolved = path.resolve()
    # One module per file, importable by that name afterwards (pickling, class names in specs).
    module_name = f"holistic_plugin_{resolved.stem}"
    if module_name in sys.modules and getattr(sys.modules[module_name], "__file__", None) == str(resolved):
        return sys.modules[module_name]
    spec = importlib.util.spec_from_file_location(module_name, resolved)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False
