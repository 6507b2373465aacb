"""Running RunSpecs end to end and writing their run directories."""

from holistic.runner.runner import RunnerOptions, RunOutcome, Runner

__all__ = ["RunOutcome", "Runner", "RunnerOptions"]
