"""Running RunSpecs end to end and writing their run directories."""

from holistic.runner.runner import Runner, RunnerOptions, RunOutcome

__all__ = ["RunOutcome", "Runner", "RunnerOptions"]
