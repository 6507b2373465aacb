"""From a description to RunSpecs (§1.2): run-spec function, run expanders, model post-processing."""

from __future__ import annotations

from holistic.errors import DescriptionError, UnknownNameError
from holistic.specs.description import parse_description
from holistic.specs.expanders import EXPANDERS, RunExpander, global_prefix_expander, stop_expander
from holistic.specs.run_spec import RunSpec

NO_NEWLINES_METHODS = ("generation", "multiple_choice_joint")


def construct_run_specs(description: str) -> list[RunSpec]:
    from holistic.models.registry import NLG_PREFIX, NO_NEWLINES, get_model
    from holistic.run_specs import build_run_spec, get_run_spec_function

    parsed = parse_description(description)
    get_run_spec_function(parsed.name)  # unknown scenario: fail before building expanders
    expanders: list[RunExpander] = []
    scenario_args = {}
    for key, value in parsed.args.items():
        if key in EXPANDERS:
            expanders.append(EXPANDERS[key](value))
        else:
            scenario_args[key] = value

    run_specs = [build_run_spec(parsed.name, scenario_args)]
    for expander in expanders:
        run_specs = [expanded for run_spec in run_specs for expanded in expander(run_spec)]

    result = []
    for run_spec in run_specs:
        model_name = run_spec.adapter_spec.model
        if not model_name:
            raise DescriptionError(
                f"no model for '{description}' (add model=<name>, e.g. model=simple/model1)"
            )
        try:
            model = get_model(model_name)
        except UnknownNameError:
            raise
        if NO_NEWLINES in model.tags and run_spec.adapter_spec.method in NO_NEWLINES_METHODS:
            run_spec = stop_expander("hash")(run_spec)[0]
        if NLG_PREFIX in model.tags:
            run_spec = global_prefix_expander("nlg")(run_spec)[0]
        result.append(run_spec)
    return result
