"""Model replicas as Ray actors: a local model's requests are answered on the cluster, cached on the driver.

A replica is one actor holding one client (so one copy of the weights, loaded on its first batch and kept
for the whole suite). It never touches the sqlite cache: its client sees a stand-in cache that answers only
what the driver sends along and streams every answer back the moment the client stores it. The driver is the
single writer of the cache, so an answer is durable as soon as it reaches the driver.

A replica that dies (node lost, OOM, `kill -9`) is restarted by Ray; the batch it was working on is sent again
to the first live replica together with the answers already streamed back, which the client then takes as
cached: nothing answered is recomputed.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import ray
from ray.exceptions import ActorUnavailableError, RayError, RayTaskError

from holistic.errors import ConfigError
from holistic.models.cache import cache_key
from holistic.models.metadata import ModelMetadata
from holistic.models.request import Request, RequestResult, failed_result

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
"""Times a batch is sent before its requests fail (a rerun retries them; answered ones stay cached)."""

RESTART_WAIT_S = 120.0
"""How long a lost replica may take to come back before batches are sent to it again regardless."""

Answers = list[tuple[str, dict[str, Any]]]
"""(cache key, response) pairs, as the client stored them."""


class _StreamingCache:
    """Duck-types RequestCache inside a replica: reads from `preload`, sends every write to `sink`."""

    def __init__(self, organization: str, owner: _StreamingCaches) -> None:
        self.organization = organization
        self.owner = owner

    def get(self, request: dict[str, Any]) -> dict[str, Any] | None:
        return self.owner.preload.get(cache_key(request))

    def get_many(self, requests: list[dict[str, Any]]) -> list[dict[str, Any] | None]:
        return self.get_many_by_key([cache_key(r) for r in requests])

    def get_many_by_key(self, keys: list[str]) -> list[dict[str, Any] | None]:
        return [self.owner.preload.get(key) for key in keys]

    def put(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        self.put_many([(request, response)])

    def put_many(self, items) -> None:
        self.put_many_by_key((cache_key(request), response) for request, response in items)

    def put_many_by_key(self, items) -> None:
        rows = list(items)
        self.owner.preload.update(rows)
        self.owner.sink.put((self.organization, rows))

    def get_or_compute(self, request, compute):
        found = self.get(request)
        if found:
            return found, True
        response = compute()
        self.put(request, response)
        return response, False


class _StreamingCaches:
    """Duck-types CacheRegistry inside a replica; `begin` switches it to the next batch."""

    def __init__(self) -> None:
        self.preload: dict[str, dict[str, Any]] = {}
        self.sink: queue.Queue = queue.Queue()

    def begin(self, preload: dict[str, dict[str, Any]], sink: queue.Queue) -> None:
        self.preload, self.sink = dict(preload), sink

    def for_organization(self, organization: str) -> _StreamingCache:
        return _StreamingCache(organization, self)

    def statistics(self) -> dict[str, tuple[int, int]]:
        return {}

    def close(self) -> None:
        return None


class ModelReplica:
    """The actor (wrapped by `ray.remote` in ReplicaPool): one client, one batch at a time."""

    def __init__(self, model: ModelMetadata) -> None:
        from holistic.models.clients import ClientContext, create_client
        from holistic.models.credentials import Credentials
        from holistic.models.registry import register_model

        # A deployment known only to the driver (prod_env/model_deployments.yaml) is registered here too.
        register_model(model)
        self.caches = _StreamingCaches()
        # Local models need no keys, so none leave the driver.
        context = ClientContext(self.caches, Credentials({}, "ray replica"))  # type: ignore[arg-type]
        self.client = create_client(model, context)

    def pid(self) -> int:
        import os

        return os.getpid()

    def answer(self, requests: list[Request], preload: dict[str, dict[str, Any]]) -> Iterator[tuple]:
        """Yields ("answers", (organization, rows)) as the client stores them, then ("results", [...])."""
        sink: queue.Queue = queue.Queue()
        self.caches.begin(preload, sink)
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                outcome["results"] = self.client.make_requests(requests)
            except BaseException as e:  # noqa: BLE001 - re-raised below, in the actor's own thread
                outcome["error"] = e
            finally:
                sink.put(None)

        threading.Thread(target=work, daemon=True).start()
        while (item := sink.get()) is not None:
            yield ("answers", item)
        if "error" in outcome:
            raise outcome["error"]
        yield ("results", outcome["results"])


@dataclass(frozen=True)
class ReplicaSpec:
    """How many replicas of a model and what each one reserves on the cluster."""

    replicas: int
    num_cpus: float
    num_gpus: float


def replica_spec(model: ModelMetadata, cluster: dict[str, float], models_sharing: int) -> ReplicaSpec:
    """A deployment's `replicas`/`num_cpus`/`num_gpus`, else one replica per free CPU (or GPU) share."""
    args = model.args
    wants_gpu = cluster.get("GPU", 0) > 0 and args.get("device", "auto") != "cpu" and model.client != "simple"
    num_gpus = float(args.get("num_gpus", 1 if wants_gpu else 0))
    num_cpus = float(args.get("num_cpus", 1))
    for resource, amount in (("CPU", num_cpus), ("GPU", num_gpus)):
        if amount > cluster.get(resource, 0):
            raise ConfigError(
                f"a replica of {model.name} needs {amount:g} {resource} but the Ray cluster has "
                f"{cluster.get(resource, 0):g} (set num_cpus/num_gpus of its deployment in model_deployments.yaml)"
            )
    if "replicas" in args:
        replicas = int(args["replicas"])
    elif num_gpus > 0:
        replicas = int(cluster.get("GPU", 0) // num_gpus) // max(1, models_sharing)
    else:
        replicas = int(cluster.get("CPU", 1) // max(num_cpus, 1e-9)) // max(1, models_sharing)
    return ReplicaSpec(max(1, replicas), num_cpus, num_gpus)


class ReplicaPool:
    """The replicas of one model; a batch goes to the first free live replica."""

    def __init__(self, model: ModelMetadata, spec: ReplicaSpec) -> None:
        self.model = model
        self.spec = spec
        actor_class = ray.remote(ModelReplica).options(  # type: ignore[attr-defined]
            num_cpus=spec.num_cpus,
            num_gpus=spec.num_gpus,
            max_restarts=-1,  # Ray restarts a dead replica; we resend its batch ourselves
            max_task_retries=0,
            max_concurrency=2,  # `pid` answers while a batch runs; the pool sends one batch at a time
        )
        self.actors = [actor_class.remote(model) for _ in range(spec.replicas)]
        self._free: queue.Queue = queue.Queue()
        # A replica takes batches once it is placed and started; one still waiting for resources (an
        # autoscaling cluster, a busy GPU) never holds a batch while others are free.
        for actor in self.actors:
            self._return_when_alive(actor)

    def answer(self, requests: list[Request], store: Callable[[str, Answers], None]) -> list[RequestResult]:
        """Answers for `requests` (none cached on the driver); `store` is called with each answer as it arrives."""
        answered: dict[str, dict[str, Any]] = {}
        error = ""
        for attempt in range(MAX_ATTEMPTS):
            actor = self._free.get()
            healthy = True
            try:
                for ref in actor.answer.remote(requests, answered):
                    kind, payload = ray.get(ref)
                    if kind == "answers":
                        organization, rows = payload
                        store(organization, rows)
                        answered.update(rows)
                    else:
                        # All were uncached on the driver when the batch left: answers resent with a retry
                        # come back as cached, but they were computed for this run.
                        return [replace(r, cached=False) if r.success else r for r in payload]
            except RayTaskError:
                raise  # a bug in the replica's code, not a lost replica
            except RayError as e:
                healthy = False
                error = f"{type(e).__name__}: replica of {self.model.name} lost"
                log.warning(
                    "%s (attempt %d of %d); %d answers kept, resending the rest",
                    error, attempt + 1, MAX_ATTEMPTS, len(answered),
                )  # fmt: skip
            finally:
                if healthy:
                    self._free.put(actor)
                else:
                    self._return_when_alive(actor)
        return [failed_result(error) for _ in requests]

    def _return_when_alive(self, actor) -> None:
        """Ray restarts the replica; it takes batches again once it answers (the retry goes to a live one)."""

        def wait() -> None:
            deadline = time.monotonic() + RESTART_WAIT_S
            while time.monotonic() < deadline:
                try:
                    ray.get(actor.pid.remote())
                    break
                except ActorUnavailableError:
                    time.sleep(0.2)  # restarting
                except RayError:
                    break  # gone for good: the next batch sent to it fails over at once
            self._free.put(actor)

        threading.Thread(target=wait, daemon=True).start()

    def pids(self) -> list[int]:
        return ray.get([actor.pid.remote() for actor in self.actors])
