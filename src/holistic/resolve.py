"""The one place a class name in a spec becomes a class (a leaf module: every stage may import it).

A spec names its class as HELM does (`helm.benchmark.scenarios.mmlu_scenario.MMLUScenario`,
`helm.benchmark.basic_metrics.BasicMetric`); the last module component and the class name are looked up in
the stage's package (`holistic.scenarios.mmlu_scenario.MMLUScenario`), so `run_spec.json` files are
interchangeable with HELM's. Classes registered with `register_class` win over module lookup.

Three outcomes besides a class, kept apart on purpose:
- `UnknownClassError`: no such module or no such class in it (a user's typo, or a class holistic lacks);
- `MissingDependencyError`: the module exists but needs a package that is not installed (user-fixable);
- `ClassImportError`: the module exists and raised while importing: a bug, shown with its traceback.
"""

from __future__ import annotations

import importlib
import importlib.util

from holistic.errors import HolisticError, UnknownNameError

_REGISTERED: dict[tuple[str, str], type] = {}


class UnknownClassError(UnknownNameError):
    """No module or no class of that name in the stage's package."""


class MissingDependencyError(HolisticError):
    """The class's module imports a third-party package that is not installed."""


class ClassImportError(ImportError):
    """The class's module exists but raised while being imported (a bug: keep the traceback)."""


def register_class(package: str, name: str, cls: type) -> None:
    """Make `name` (a full class name or `<module>.<Class>`) resolve to `cls` in `package`."""
    _REGISTERED[(package, _short_name(name))] = cls


def _short_name(class_name: str) -> str:
    module_name, _, cls_name = class_name.rpartition(".")
    return f"{module_name.rsplit('.', 1)[-1]}.{cls_name}" if module_name else cls_name


def resolve_class(class_name: str, package: str, kind: str, base: type | None = None) -> type:
    """The class `class_name` names, looked up in `package` (e.g. `holistic.metrics`).

    `kind` words the errors ("scenario class", "metric class"); `base`, when given, must be a superclass.
    """
    short = _short_name(class_name)
    cls = _REGISTERED.get((package, short))
    if cls is None:
        module_short, _, cls_name = short.rpartition(".")
        if not module_short or not cls_name:
            raise UnknownClassError(f"{kind} {class_name} is not a class name (expected <module>.<Class>)")
        module_name = f"{package}.{module_short}"
        if not _module_exists(module_name):
            raise UnknownClassError(f"{kind} {class_name} is not implemented (no module {module_name})")
        module = _import(module_name, class_name, kind)
        cls = getattr(module, cls_name, None)
        if cls is None:
            raise UnknownClassError(
                f"{kind} {class_name} is not implemented (no class {cls_name} in {module_name})"
            )
    if not isinstance(cls, type) or (base is not None and not issubclass(cls, base)):
        raise UnknownClassError(f"{class_name} is not a {kind}")
    return cls


def _module_exists(module_name: str) -> bool:
    try:
        return importlib.util.find_spec(module_name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


def _import(module_name: str, class_name: str, kind: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        missing = (e.name or "").split(".")[0]
        if missing and missing != "holistic":
            raise MissingDependencyError(
                f"{kind} {class_name} needs the Python module '{missing}' (install the package that provides it)"
            ) from None
        raise ClassImportError(f"importing {module_name} for {kind} {class_name} failed: {e}") from e
    except Exception as e:
        raise ClassImportError(f"importing {module_name} for {kind} {class_name} failed: {e!r}") from e
