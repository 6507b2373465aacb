"""One engine run: the prefix trie of the jobs, fed in packed chunks, then decoded (see engine.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch

from holistic.models.local.work import (
    MIN_ROWS,
    FinishedCallback,
    Job,
    JobOutput,
    StreamOutput,
    TopK,
    common_prefix_length,
)

if TYPE_CHECKING:
    from holistic.models.local.engine import PackedEngine


@dataclass(eq=False)
class _Stream:
    job: int
    out: StreamOutput
    generator: torch.Generator | None
    pending: int = -1
    """Chosen token not yet fed to the model."""
    fed: list[int] = field(default_factory=list)
    """Node ids of the generated tokens already fed."""


class PackedRun:
    """State of one engine run over a list of jobs."""

    def __init__(self, engine: PackedEngine, jobs: list[Job], on_finished: FinishedCallback) -> None:
        self.e = engine
        self.jobs = jobs
        self.on_finished = on_finished
        self.order = sorted(range(len(jobs)), key=lambda i: jobs[i].tokens)
        tokens: list[int] = []
        depth: list[int] = []
        owner: list[int] = []
        self.paths: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(jobs)
        previous: int | None = None
        for i in self.order:
            t = jobs[i].tokens
            shared = common_prefix_length(jobs[previous].tokens, t) if previous is not None else 0
            new = np.arange(len(tokens), len(tokens) + len(t) - shared, dtype=np.int64)
            base = self.paths[previous][:shared] if previous is not None else np.empty(0, dtype=np.int64)
            self.paths[i] = np.concatenate([base, new])
            tokens.extend(t[shared:])
            depth.extend(range(shared, len(t)))
            owner.extend([i] * (len(t) - shared))
            previous = i
        self.tokens, self.depth, self.owner = tokens, depth, owner
        self.num_nodes = len(tokens)
        # What each node's output distribution is needed for.
        self.top_at: dict[int, int] = {}
        self.child_tokens: dict[int, set[int]] = {}
        self.generate_at: dict[int, list[int]] = {}
        for i, job in enumerate(jobs):
            path = self.paths[i]
            if job.echo:
                for d in range(max(job.first_scored, 1), len(job.tokens)):
                    node = int(path[d - 1])
                    self.child_tokens.setdefault(node, set()).add(job.tokens[d])
                    self.top_at[node] = max(self.top_at.get(node, 0), job.top_k)
            if job.max_new_tokens > 0:
                self.generate_at.setdefault(int(path[-1]), []).append(i)
        self.child_logprob: dict[tuple[int, int], float] = {}
        self.node_top: dict[int, TopK] = {}
        self.streams: dict[int, list[_Stream]] = {}
        self.pending: list[_Stream] = []
        self.next_id = self.num_nodes
        self.column = np.full(self.num_nodes + 1024, -1, dtype=np.int64)
        self.cache = engine.new_cache()
        self.live = np.empty(0, dtype=np.int64)
        self.generated_owner: dict[int, _Stream] = {}
        self.next_finish = 0
        self._processed = 0

    # Node ids of a node's ancestors and itself (the keys it may see).
    def _sees(self, node: int) -> np.ndarray:
        if node < self.num_nodes:
            return self.paths[self.owner[node]][: self.depth[node] + 1]
        stream = self.generated_owner[node]
        return np.concatenate([self.paths[stream.job], np.asarray([*stream.fed, node], dtype=np.int64)])

    def _mask(self, nodes: list[int], padding: int) -> np.ndarray | None:
        if not self.e.packing:
            return None  # one prompt, fed in order: the model's own causal mask is the right one
        keys = np.concatenate([self.live, np.asarray(nodes, dtype=np.int64)])
        real = keys[keys >= 0]
        if real.size and int(real.max()) >= self.column.size:
            self.column = np.full(int(real.max()) * 2 + 1, -1, dtype=np.int64)
        self.column[real] = np.nonzero(keys >= 0)[0]
        mask = np.zeros((len(nodes) + padding, keys.size + padding), dtype=bool)
        for row, node in enumerate(nodes):
            columns = self.column[self._sees(node)]
            assert (columns >= 0).all(), "a node's ancestor is missing from the cache"
            mask[row, columns] = True
        self.column[real] = -1
        # Padding rows see what the first row sees, so that the keys every row sees are the keys the real rows
        # share (attention.py computes those once), and themselves; their outputs are dropped.
        mask[len(nodes) :, : keys.size] = mask[0, : keys.size]
        mask[len(nodes) :, keys.size :] = np.eye(padding, dtype=bool)
        return mask

    def _feed(
        self, nodes: list[int], tokens: list[int], positions: list[int], exact: bool = False
    ) -> torch.Tensor:
        """Hidden states of `nodes`. Short rows are padded to MIN_ROWS (see there); padding keys stay in the
        cache, never seen, until the next compaction (negative ids)."""
        padding = max(0, MIN_ROWS - len(nodes)) if self.e.packing else 0
        mask = self._mask(nodes, padding)
        hidden = self.e.forward_packed(
            self.cache, tokens + [tokens[0]] * padding, positions + [0] * padding, mask, exact
        )
        dummies = np.arange(-1, -padding - 1, -1, dtype=np.int64)
        self.live = np.concatenate([self.live, np.asarray(nodes, dtype=np.int64), dummies])
        return hidden[: len(nodes)]

    def _compact(self, needed: np.ndarray) -> None:
        keep = np.nonzero(np.isin(self.live, needed))[0]
        if keep.size == self.live.size:
            return
        self.e.keep_cache_positions(self.cache, torch.from_numpy(keep).to(self.e.device))
        self.live = self.live[keep]

    def _needed(self, next_node: int | None) -> np.ndarray:
        parts = [self.paths[self.owner[next_node]][: self.depth[next_node]]] if next_node is not None else []
        for stream in self.pending:
            parts.append(self.paths[stream.job])
            parts.append(np.asarray(stream.fed, dtype=np.int64))
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def execute(self) -> None:
        start = 0
        while start < self.num_nodes:
            size = self._chunk_size()
            end = min(start + size, self.num_nodes)
            nodes = list(range(start, end))
            hidden = self._feed(nodes, self.tokens[start:end], self.depth[start:end])
            self._outputs(nodes, hidden)
            del hidden
            start = end
            self._report(end)
            pending_tokens = sum(len(self.jobs[s.job].tokens) + len(s.fed) for s in self.pending)
            if self.pending and (
                start >= self.num_nodes
                or len(self.pending) >= self.e.max_streams
                or pending_tokens >= self.e.kv_budget_tokens
            ):
                self._decode()
            self._compact(self._needed(start if start < self.num_nodes else None))
        if self.pending:
            self._decode()
        self._report(self.num_nodes)

    def _chunk_size(self) -> int:
        per_query = self.e.num_heads * 4 * (self.live.size + self.e.chunk_tokens)
        return max(16, min(self.e.chunk_tokens, self.e.attention_budget_bytes // max(per_query, 1)))

    def _outputs(self, nodes: list[int], hidden: torch.Tensor) -> None:
        rows = [r for r, n in enumerate(nodes) if n in self.child_tokens or n in self.generate_at]
        for start in range(0, len(rows), self.e.output_rows):
            block = rows[start : start + self.e.output_rows]
            logprobs = self.e.log_softmax(hidden[block])
            pairs = [
                (j, node, t)
                for j, r in enumerate(block)
                for node in [nodes[r]]
                for t in sorted(self.child_tokens.get(node, ()))
            ]
            if pairs:
                values = logprobs[[p[0] for p in pairs], [p[2] for p in pairs]].tolist()
                for (_, node, t), value in zip(pairs, values):
                    self.child_logprob[(node, t)] = value
            k = max((self.top_at.get(nodes[r], 0) for r in block), default=0)
            if k:
                top_values, top_ids = torch.topk(logprobs, k, dim=-1)
                top_values, top_ids = top_values.tolist(), top_ids.tolist()
                for j, r in enumerate(block):
                    if nodes[r] in self.top_at:
                        self.node_top[nodes[r]] = list(zip(top_ids[j], top_values[j]))[
                            : self.top_at[nodes[r]]
                        ]
            for j, r in enumerate(block):
                for job_index in self.generate_at.get(nodes[r], ()):
                    self._start_streams(job_index, logprobs[j])

    def _start_streams(self, job_index: int, logprobs: torch.Tensor) -> None:
        job = self.jobs[job_index]
        sampled = job.temperature > 0
        streams = []
        for s in range(job.num_streams if sampled else 1):
            generator = None
            if sampled:
                generator = torch.Generator().manual_seed((job.seed + s) % (1 << 63))
            stream = _Stream(job_index, StreamOutput(), generator)
            streams.append(stream)
            self._advance(stream, logprobs)
        self.streams[job_index] = streams

    def _advance(
        self, stream: _Stream, logprobs: torch.Tensor, greedy: int | None = None, top: TopK | None = None
    ) -> None:
        """Choose the stream's next token from `logprobs`; queue it for feeding unless the stream is done.

        `greedy` (the argmax) and `top` (at least the job's top_k alternatives, best first) may come computed
        for a whole block of rows at once; they are the same numbers as computed here."""
        job = self.jobs[stream.job]
        if greedy is not None and (job.temperature <= 0 or stream.generator is None):
            token = greedy
        else:
            token = self.e.choose_token(logprobs, job, stream.generator)
        out = stream.out
        if token in self.e.eos_ids:
            out.finish_reason = "endoftext"
            return
        if top is None:
            top_values, top_ids = torch.topk(logprobs, max(job.top_k, 1))
            top = list(zip(top_ids.tolist(), top_values.tolist()))
        out.tokens.append(token)
        out.logprobs.append(float(logprobs[token]))
        out.top.append(top[: max(job.top_k, 1)])
        if len(out.tokens) >= job.max_new_tokens or len(job.tokens) + len(out.tokens) >= self.e.max_positions:
            out.finish_reason = "length"
        elif job.stop is not None and job.stop(out.tokens):
            out.finish_reason = "stop"
        else:
            stream.pending = token
            self.pending.append(stream)

    def _decode(self) -> None:
        """Generate until every pending stream is done."""
        active = self.pending
        while active:
            nodes, tokens, positions = [], [], []
            for stream in active:
                node = self.next_id
                self.next_id += 1
                self.generated_owner[node] = stream
                nodes.append(node)
                tokens.append(stream.pending)
                positions.append(len(self.jobs[stream.job].tokens) + len(stream.fed))
            hidden = self._feed(nodes, tokens, positions, exact=True)
            for stream, node in zip(active, nodes):
                stream.fed.append(node)
            self.pending = []
            for start in range(0, len(active), self.e.output_rows):
                block = active[start : start + self.e.output_rows]
                logprobs = self.e.log_softmax(hidden[start : start + len(block)])
                # One argmax and one top-k for the block instead of one per stream.
                greedy = torch.argmax(logprobs, dim=-1).tolist()
                k = max(max(self.jobs[stream.job].top_k, 1) for stream in block)
                top_values, top_ids = torch.topk(logprobs, k, dim=-1)
                tops = [list(zip(i, v)) for i, v in zip(top_ids.tolist(), top_values.tolist())]
                for j, stream in enumerate(block):
                    self._advance(stream, logprobs[j], greedy[j], tops[j])
            for stream in active:
                if stream not in self.pending:
                    for node in stream.fed:
                        del self.generated_owner[node]
            active = self.pending
            # Drop finished streams' keys once they make up half of the cache.
            if active:
                needed = self._needed(None)
                if needed.size * 2 < self.live.size:
                    prompts = self.live[(self.live >= 0) & (self.live < self.num_nodes)]
                    self._compact(np.concatenate([needed, prompts]))
        self._report(self._processed)

    def _report(self, processed: int) -> None:
        """Hand over every job whose prompt is processed and whose streams are done."""
        self._processed = processed
        done: list[tuple[int, JobOutput]] = []
        pending_jobs = {s.job for s in self.pending}
        while self.next_finish < len(self.order):
            i = self.order[self.next_finish]
            path = self.paths[i]
            if int(path[-1]) >= processed or i in pending_jobs:
                break
            done.append((i, self._output(i)))
            self.next_finish += 1
        if done:
            self.on_finished(done)

    def _output(self, i: int) -> JobOutput:
        job = self.jobs[i]
        path = self.paths[i]
        logprobs, tops = [], []
        if job.echo:
            for d in range(max(job.first_scored, 1), len(job.tokens)):
                node = int(path[d - 1])
                logprobs.append(self.child_logprob[(node, job.tokens[d])])
                tops.append(self.node_top.get(node, [])[: job.top_k])
        streams = [s.out for s in self.streams.pop(i, [])]
        if streams and job.temperature <= 0:
            streams = streams * job.num_streams
        return JobOutput(logprobs, tops, streams)
