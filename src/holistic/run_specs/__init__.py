"""Run-spec functions: one small module per scenario key that builds its RunSpec.

A module `holistic/run_specs/<key>.py` defines `run_spec(**scenario_args) -> RunSpec`; its keyword
parameters are the scenario arguments a description may give. Modules are found by name, so listing the
scenarios imports nothing and `helm-run --help` stays instant. Keys whose module name differs are in
ALIASES.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from pathlib import Path

from holistic.errors import DescriptionError, UnknownNameError, one_of
from holistic.specs import RunSpec

# Keys that share a module with another key: key -> (module, function name).
ALIASES: dict[str, tuple[str, str]] = {}
_NOT_RUN_SPECS = {"presets", "construct"}
# Run-spec functions added by plug-ins (holistic.plugins.register_run_spec); they win over modules.
REGISTERED: dict[str, Callable[..., RunSpec]] = {}


def register_run_spec_function(name: str, function: Callable[..., RunSpec]) -> None:
    """Make the scenario key `name` build its RunSpec with `function` (the hook for plug-ins)."""
    REGISTERED[name] = function


def run_spec_names() -> list[str]:
    """Every scenario key a description can start with (imports nothing)."""
    return sorted((_module_names() - _NOT_RUN_SPECS) | set(ALIASES) | set(REGISTERED))


@functools.cache
def _module_names() -> frozenset[str]:
    # Listed once per process: expanding a conf asks for every entry (HELM's conf: 800 directory scans).
    here = Path(__file__).parent
    return frozenset(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))


def get_run_spec_function(name: str) -> Callable[..., RunSpec]:
    if name in REGISTERED:
        return REGISTERED[name]
    if name in ALIASES:
        module_name, function_name = ALIASES[name]
    elif name in run_spec_names():
        module_name, function_name = name, "run_spec"
    else:
        raise UnknownNameError(f"unknown scenario '{name}' ({one_of(run_spec_names(), name)})")
    module = importlib.import_module(f"holistic.run_specs.{module_name}")
    return getattr(module, function_name)


def build_run_spec(name: str, args: dict) -> RunSpec:
    """Call the run-spec function, turning argument mistakes into a one-line error."""
    function = get_run_spec_function(name)
    signature = inspect.signature(function)
    parameters = signature.parameters
    unknown = [k for k in args if k not in parameters]
    if unknown and not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        valid = [p for p in parameters if p != "kwargs"]
        raise DescriptionError(
            f"unknown argument '{unknown[0]}' for scenario {name} "
            f"({('valid: ' + ', '.join(valid)) if valid else 'it takes no arguments'})"
        )
    missing = [
        p.name
        for p in parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in args
    ]
    if missing:
        raise DescriptionError(
            f"missing argument '{missing[0]}' for scenario {name} (add {missing[0]}=<value>)"
        )
    return function(**args)
