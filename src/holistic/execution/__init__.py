"""Execution: sending a run's requests through the model clients (threads for APIs, batches for local)."""

from holistic.execution.executor import ExecutionReport, Executor

__all__ = ["ExecutionReport", "Executor"]
