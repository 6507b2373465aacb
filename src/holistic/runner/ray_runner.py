"""`helm-run --runner ray`: the suite's runs in flight together, local models answered by Ray actors.

The driver keeps what is cheap and must be exact: scenarios, adaptation, the request cache (its single
writer), metrics and the run directories. Each local model gets a pool of replicas on the cluster
(holistic.execution.ray_replicas) that lives for the whole suite, so weights load once per replica. Several
runs are in flight at once (one more than there are replicas) so that while one run computes its metrics or
writes its files, the replicas already work on the next one's requests.
"""

from __future__ import annotations

import gc
import logging
import socket
import threading

from holistic.errors import ConfigError
from holistic.runner.runner import Runner, RunnerOptions, RunOutcome
from holistic.specs import RunSpec

log = logging.getLogger("holistic")

RAY_MISSING = "--runner ray needs the ray extra (pip install 'holistic[ray]')"


def ray_available() -> bool:
    """Whether the ray extra is installed (imports it: only `--runner ray` asks)."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def _unreachable(address: str | None) -> str | None:
    """Why HOST:PORT (or ray://HOST:PORT) cannot be reached, checked first: Ray itself waits minutes."""
    if not address or address in ("auto", "local"):
        return None
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host or "127.0.0.1", int(port)), timeout=5).close()
    except (OSError, ValueError) as e:
        return (
            f"cannot reach Ray at {address}: {e.strerror if isinstance(e, OSError) and e.strerror else e} "
            "(give HOST:PORT of a running head node, ray://HOST:PORT, auto, or no address for a local instance)"
        )
    return None


class RayRunner(Runner):
    def __init__(self, options: RunnerOptions, address: str | None = None) -> None:
        super().__init__(options)
        self.address = address
        self._pools: dict = {}
        self._pools_lock = threading.Lock()
        self._local_models: list[str] = []
        self._resources: dict[str, float] | None = None
        # Downloads and data files are shared between runs of one scenario: one run reads them at a time.
        self._data_lock = threading.Lock()
        from holistic.execution.ray_executor import RayExecutor

        self.executor = RayExecutor(self.client_context, options.num_threads, self.pool)

    # ---- the cluster ---------------------------------------------------------------------------------------

    def connect(self) -> None:
        import ray

        if ray.is_initialized():
            return
        unreachable = _unreachable(self.address)
        if unreachable:
            raise ConfigError(unreachable)
        try:
            ray.init(
                address=self.address or None,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=True,
            )
        except (ConnectionError, ValueError, RuntimeError) as e:
            where = self.address or "a new local instance"
            reason = str(e).strip().splitlines()[0].split(". ")[0] if str(e).strip() else type(e).__name__
            raise ConfigError(
                f"cannot start or reach Ray at {where}: {reason} (give --ray-address auto for a cluster "
                "started with `ray start`, ray://HOST:PORT, or no address for a local instance)"
            ) from None

    def pool(self, model_name: str):
        """The replicas of a local model, started on first use and kept for the suite."""
        from holistic.execution.ray_replicas import ReplicaPool
        from holistic.models.registry import get_model

        with self._pools_lock:
            if model_name not in self._pools:
                model = get_model(model_name)
                spec = self.replica_spec(model_name)
                log.info(
                    "%s: %d replica(s), %g CPU and %g GPU each",
                    model_name, spec.replicas, spec.num_cpus, spec.num_gpus,
                )  # fmt: skip
                self._pools[model_name] = ReplicaPool(model, spec)
            return self._pools[model_name]

    def replica_spec(self, model_name: str):
        import ray

        from holistic.execution.ray_replicas import replica_spec
        from holistic.models.registry import get_model

        if self._resources is None:
            self._resources = ray.cluster_resources()
        return replica_spec(get_model(model_name), self._resources, max(1, len(self._local_models)))

    def shutdown(self) -> None:
        import ray

        self._pools.clear()
        if ray.is_initialized():
            ray.shutdown()

    def load_instances(self, scenario):
        with self._data_lock:
            return super().load_instances(scenario)

    def augment(self, run_spec, instances):
        with self._data_lock:
            return super().augment(run_spec, instances)

    # ---- the suite -----------------------------------------------------------------------------------------

    def run_all(self, run_specs: list[RunSpec]) -> list[RunOutcome]:
        from holistic.models.clients import client_class
        from holistic.models.registry import get_model

        models = dict.fromkeys(r.adapter_spec.model for r in run_specs)
        self._local_models = [m for m in models if client_class(get_model(m).client).batched]
        # Only local models need the cluster (API models keep the driver's thread pool; a dry run calls none).
        uses_cluster = bool(self._local_models) and not self.options.dry_run
        if uses_cluster:
            self.connect()
        try:
            # Replicas start when a run first has uncached requests for their model (a rerun answered from
            # the cache loads no weights anywhere).
            replicas = sum(self.replica_spec(m).replicas for m in self._local_models) if uses_cluster else 0
            outcomes = self._run_in_flight(run_specs, max(2, replicas + 1))
        except KeyboardInterrupt:
            # Let a commit in progress finish, and start none: every answer that arrived is in the cache.
            self.executor.write_lock.acquire(timeout=30)
            raise
        finally:
            gc.enable()
            if uses_cluster:
                self.shutdown()
        self.write_suite_files(run_specs)
        return outcomes

    def _run_in_flight(self, run_specs: list[RunSpec], slots: int) -> list[RunOutcome]:
        outcomes: list[RunOutcome | None] = [None] * len(run_specs)
        next_index = [0]
        errors: list[BaseException] = []
        lock = threading.Lock()

        def worker() -> None:
            while True:
                with lock:
                    if errors or next_index[0] >= len(run_specs):
                        return
                    index = next_index[0]
                    next_index[0] += 1
                log.info("[%d/%d] %s", index + 1, len(run_specs), run_specs[index].name)
                try:
                    outcomes[index] = self.run_guarded(run_specs[index])
                except BaseException as e:  # noqa: BLE001 - --exit-on-error or a bug: raised in the main thread
                    with lock:
                        errors.append(e)
                    return

        # Daemon threads: on Ctrl-C the main thread leaves at once; the cache holds every answer so far.
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(min(slots, len(run_specs)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.2)
        if errors:
            raise errors[0]
        return [o for o in outcomes if o is not None]
