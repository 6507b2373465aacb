"""The executor: fills every RequestState's result, with a progress bar and a failure report.

Batched (local) clients receive all requests of a run at once; API clients are called from a thread pool
bounded by `--num-threads` (and the client's own concurrency limit). A failed request never stops the
others: it is recorded with its error, and the report lists the failures at the end.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from holistic.adaptation.request_state import RequestState, ScenarioState
from holistic.models.clients import ClientContext, get_client
from holistic.models.request import Request, RequestResult

log = logging.getLogger(__name__)


@dataclass
class ExecutionReport:
    num_requests: int = 0
    failures: list[tuple[int, str]] = field(default_factory=list)
    """(request index, error) of every failed request."""

    def summary(self, limit: int = 5) -> str:
        errors: dict[str, int] = {}
        for _, error in self.failures:
            errors[error] = errors.get(error, 0) + 1
        lines = [f"{len(self.failures)} of {self.num_requests} requests failed"]
        for error, count in list(errors.items())[:limit]:
            lines.append(f"  {count} x {error}")
        return "\n".join(lines)


def _progress_bar(total: int, description: str):
    if total < 2 or not sys.stderr.isatty():
        return contextlib.nullcontext(_NoBar())  # tqdm (and the multiprocessing it imports) only for a bar
    from holistic.progress import progress_bar

    return progress_bar(
        total=total,
        desc=description,
        unit="req",
        leave=False,
        disable=total < 2 or not sys.stderr.isatty(),
        file=sys.stderr,
    )


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass


class Executor:
    def __init__(self, context: ClientContext, num_threads: int = 4) -> None:
        self.context = context
        self.num_threads = max(1, num_threads)

    def execute(
        self, scenario_state: ScenarioState, description: str = ""
    ) -> tuple[ScenarioState, ExecutionReport]:
        states = scenario_state.request_states
        report = ExecutionReport(num_requests=len(states))
        if not states:
            return scenario_state, report
        results: list[RequestResult | None] = [None] * len(states)
        by_model: dict[str, list[int]] = {}
        for index, state in enumerate(states):
            by_model.setdefault(state.request.model, []).append(index)

        clients = {model: get_client(model, self.context) for model in by_model}
        # Missing keys fail the run here, before a single request is sent.
        for model, indices in by_model.items():
            clients[model].check_credentials([states[i].request for i in indices])

        with _progress_bar(len(states), description or "requests") as bar:
            progress = bar.update
            for model, indices in by_model.items():
                client = clients[model]
                requests = [states[i].request for i in indices]
                if client.batched:
                    answered = self._run_batched(client, requests, progress)
                else:
                    answered = self._fan_out(client, requests, progress)
                for i, result in zip(indices, answered):
                    results[i] = result

        new_states: list[RequestState] = []
        for index, (state, result) in enumerate(zip(states, results)):
            assert result is not None
            if not result.success:
                report.failures.append((index, result.error or "unknown error"))
            new_states.append(replace(state, result=result))
        return ScenarioState(scenario_state.adapter_spec, new_states), report

    def _run_batched(self, client, requests: list[Request], progress) -> list[RequestResult]:
        """A batched (local) client answers a run's requests in this process; the Ray runner overrides this."""
        return client.make_requests(requests, progress=progress)

    def _fan_out(self, client, requests: list[Request], progress) -> list[RequestResult]:
        workers = min(self.num_threads, client.max_concurrency or self.num_threads, len(requests))

        def call(request: Request) -> RequestResult:
            try:
                return client.make_request(request)
            except Exception as e:  # noqa: BLE001 - a client bug must not lose the other requests
                log.exception("client %s raised", type(client).__name__)
                return client.failure(e)
            finally:
                progress(1)

        if workers <= 1:
            return [call(r) for r in requests]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(call, requests))
