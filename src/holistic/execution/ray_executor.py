"""The executor of `helm-run --runner ray`: local models' requests go to replicas on a Ray cluster.

The driver looks every request up in its own cache first; only uncached ones travel, as one batch per run
and model (the same batch the local runner would hand its client, so the packed engine computes exactly the
same thing). Answers stream back and are committed to the driver's cache as they arrive. API clients (not
batched) keep the thread pool of the base executor.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from holistic.execution.executor import Executor
from holistic.models.cache import cache_key
from holistic.models.clients import ClientContext
from holistic.models.request import Request, RequestResult

if TYPE_CHECKING:
    from holistic.execution.ray_replicas import Answers, ReplicaPool


class RayExecutor(Executor):
    def __init__(self, context: ClientContext, num_threads: int, pool: Callable[[str], ReplicaPool]) -> None:
        super().__init__(context, num_threads)
        self.pool = pool
        self.write_lock = threading.Lock()
        """Held while answers are committed; whoever stops the suite takes it so no commit is cut short."""

    def _run_batched(self, client, requests: list[Request], progress) -> list[RequestResult]:
        if client.cache_organization is None:
            return super()._run_batched(client, requests, progress)
        cache = self.context.cache(client.cache_organization)
        found = cache.get_many_by_key([cache_key(client.raw_request(r)) for r in requests])
        cached = [i for i, response in enumerate(found) if response]
        missing = [i for i, response in enumerate(found) if not response]
        results: list[RequestResult | None] = [None] * len(requests)
        if cached:
            # All in the cache: the driver's client answers them without loading anything.
            answered = client.make_requests([requests[i] for i in cached])
            for i, result in zip(cached, answered):
                results[i] = result
            progress(len(cached))
        if missing:
            reported = [0]

            def store(organization: str, rows: Answers) -> None:
                with self.write_lock:
                    self.context.cache(organization).put_many_by_key(rows)
                count = min(len(rows), len(missing) - reported[0])
                reported[0] += count
                progress(count)

            answered = self.pool(client.model.name).answer([requests[i] for i in missing], store)
            progress(len(missing) - reported[0])
            for i, result in zip(missing, answered):
                results[i] = result
        return results  # type: ignore[return-value]
