"""The one class-name resolver (`holistic.resolve`): a class, or one of three distinct failures."""

from __future__ import annotations

import logging

import pytest

import holistic.metrics
import holistic.scenarios
from holistic.augmentation.perturbation import create_perturbation
from holistic.errors import UnknownNameError
from holistic.metrics.metric import create_metric
from holistic.resolve import (
    ClassImportError,
    MissingDependencyError,
    UnknownClassError,
    register_class,
    resolve_class,
)
from holistic.scenarios.base import Scenario, create_scenario
from holistic.specs import MetricSpec, PerturbationSpec, ScenarioSpec


@pytest.fixture
def extra_scenarios(tmp_path, monkeypatch):
    """A directory of extra `holistic.scenarios` modules (the package's own path is left untouched)."""
    monkeypatch.setattr(holistic.scenarios, "__path__", [*holistic.scenarios.__path__, str(tmp_path)])
    return tmp_path


def test_helm_names_resolve_to_holistic_classes():
    cls = resolve_class(
        "helm.benchmark.scenarios.mmlu_scenario.MMLUScenario", "holistic.scenarios", "scenario"
    )
    assert cls.__module__ == "holistic.scenarios.mmlu_scenario" and cls.__name__ == "MMLUScenario"
    metric = resolve_class("helm.benchmark.basic_metrics.BasicMetric", "holistic.metrics", "metric")
    assert metric.__module__ == "holistic.metrics.basic_metrics"


def test_unknown_module_and_unknown_class_are_unknown_names():
    with pytest.raises(UnknownClassError, match="no module holistic.scenarios.nowhere_scenario"):
        create_scenario(ScenarioSpec("helm.benchmark.scenarios.nowhere_scenario.NowhereScenario"))
    with pytest.raises(UnknownClassError, match="no class MMLUScenarioX"):
        create_scenario(ScenarioSpec("helm.benchmark.scenarios.mmlu_scenario.MMLUScenarioX"))
    # One-line user errors: UnknownClassError is an UnknownNameError (a HolisticError).
    assert issubclass(UnknownClassError, UnknownNameError)


def test_a_module_that_raises_while_importing_is_not_an_unknown_name(extra_scenarios):
    (extra_scenarios / "broken_scenario.py").write_text(
        "raise RuntimeError('bug in the module body')\nclass BrokenScenario: pass\n"
    )
    with pytest.raises(ClassImportError, match="bug in the module body") as info:
        create_scenario(ScenarioSpec("helm.benchmark.scenarios.broken_scenario.BrokenScenario"))
    assert not isinstance(info.value, UnknownNameError)
    assert isinstance(info.value.__cause__, RuntimeError)  # the traceback of the real failure is kept


def test_a_module_that_imports_a_missing_holistic_module_is_a_bug(extra_scenarios):
    (extra_scenarios / "typo_scenario.py").write_text("import holistic.scenarios.no_such_helper\n")
    with pytest.raises(ClassImportError, match="no_such_helper"):
        create_scenario(ScenarioSpec("helm.benchmark.scenarios.typo_scenario.TypoScenario"))


def test_a_missing_third_party_package_says_which(extra_scenarios):
    (extra_scenarios / "needs_scenario.py").write_text("import not_installed_pkg_zz\n")
    with pytest.raises(MissingDependencyError, match="'not_installed_pkg_zz'"):
        create_scenario(ScenarioSpec("helm.benchmark.scenarios.needs_scenario.NeedsScenario"))


def test_metrics_skip_unknown_classes_but_not_broken_modules(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    assert create_metric(MetricSpec("helm.benchmark.nowhere_metrics.NowhereMetric", {})) is None
    assert "NowhereMetric is not implemented" in caplog.text
    monkeypatch.setattr(holistic.metrics, "__path__", [*holistic.metrics.__path__, str(tmp_path)])
    (tmp_path / "broken_metrics.py").write_text("1 / 0\n")
    with pytest.raises(ClassImportError):
        create_metric(MetricSpec("helm.benchmark.broken_metrics.BrokenMetric", {}))


def test_the_class_must_belong_to_the_stage():
    with pytest.raises(UnknownClassError, match="is not a perturbation class"):
        create_perturbation(PerturbationSpec("helm.benchmark.augmentations.perturbation.Random", {}))


def test_registered_classes_resolve_first(monkeypatch):
    import holistic.resolve

    monkeypatch.setattr(holistic.resolve, "_REGISTERED", {})

    class PluginScenario(Scenario):
        name = "plugin"

        def get_instances(self):
            return []

    register_class("holistic.scenarios", "acme.plugins.plugin_scenario.PluginScenario", PluginScenario)
    scenario = create_scenario(ScenarioSpec("helm.benchmark.scenarios.plugin_scenario.PluginScenario"))
    assert isinstance(scenario, PluginScenario)
