"""Local-model benchmark on the bundled SmolLM2-135M-Instruct: batched vs one request at a time.

Prints, for the machine it runs on:
  - fp32 and bf16 matrix-multiply rates (the compute limit);
  - scoring throughput (echo, max_tokens 0) for long requests (5-shot MMLU joint prompts) and short ones
    (separate-method and calibration prompts), in prompt tokens per second and as a fraction of the compute
    limit (2 x parameters FLOPs per token);
  - generation throughput (20-token greedy completions);
  - the bf16 log-probability error against fp32;
  - end-to-end `helm-run` wall time and peak memory (fp32, bf16), each in a fresh process;
  - with --pattern-match: 5-shot generation (synthetic_reasoning pattern_match, 20 instances, the issue-16 row):
    the run's requests batched in this process (prompt prefix computed once, all instances decoded together),
    the same requests one at a time without prefix sharing (--compare-unbatched; slow), and `helm-run`
    end to end (--repeat times, with the load average of each).

Usage: python benchmarks/bench_local_model.py [--data-mirror ../shared/data] [--device cpu|cuda] [--quick]
       [--threads N] [--skip-e2e] [--pattern-match [--compare-unbatched] [--repeat N]]
Needs the MMLU data (a data mirror) for the prompts. The machine's load is printed with every section: on a
shared machine the numbers are only as good as the load allows.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODEL = "huggingface/smollm2-135m-instruct"


def load() -> str:
    return "load {:.1f}/{:.1f}/{:.1f}".format(*os.getloadavg())


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def matmul_rates(device: str) -> dict[str, float]:
    import torch

    rates = {}
    for name, dtype in (("fp32", torch.float32), ("bf16", torch.bfloat16)):
        # The model's own shapes: 256 tokens x hidden 576 x MLP 1536.
        a = torch.randn(256, 576, dtype=dtype, device=device)
        w = torch.randn(1536, 576, dtype=dtype, device=device)
        for _ in range(5):
            torch.nn.functional.linear(a, w)
        best = float("inf")
        for _ in range(5):
            n = 40
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            start = time.perf_counter()
            for _ in range(n):
                torch.nn.functional.linear(a, w)
            if device.startswith("cuda"):
                torch.cuda.synchronize()
            best = min(best, (time.perf_counter() - start) / n)
        rates[name] = 2 * 256 * 576 * 1536 / best / 1e9
    return rates


def mmlu_requests(data_mirror: str, subject: str, instances: int, method: str) -> list:
    """Requests of a real MMLU run and its evaluation instances."""

    from holistic.adaptation import get_adapter
    from holistic.adaptation.sampling import sample_eval_instances
    from holistic.models.window_service import get_window_service
    from holistic.run_specs.construct import construct_run_specs
    from holistic.runner.runner import Runner, RunnerOptions
    from holistic.scenarios import create_scenario
    from holistic.scenarios.base import TRAIN_SPLIT

    (run_spec,) = construct_run_specs(f"mmlu:subject={subject},method={method},model={MODEL}")
    with tempfile.TemporaryDirectory() as out:
        runner = Runner(
            RunnerOptions(suite="bench", output_path=out, local_path=out, data_mirror=data_mirror)
        )
        scenario = create_scenario(run_spec.scenario_spec)
        chosen = sample_eval_instances(runner.load_instances(scenario), instances)
        state = get_adapter(run_spec.adapter_spec, get_window_service(MODEL)).adapt(chosen)
    return [s.request for s in state.request_states], [i for i in chosen if i.split != TRAIN_SPLIT]


def separate_requests(instances) -> list:
    """Separate-method and calibration requests, built directly (HELM §4.7): `<question> <answer>`, `Answer: <answer>`."""
    from holistic.models.request import Request

    requests = []
    for instance in instances:
        for reference in instance.references:
            for prompt in (f"{instance.input} {reference.output}", f"Answer: {reference.output}"):
                requests.append(
                    Request(model=MODEL, prompt=prompt, temperature=0.0, echo_prompt=True, max_tokens=0)
                )
    return requests


def new_client(options: dict):
    from holistic.models.cache import CacheRegistry
    from holistic.models.clients.base import ClientContext
    from holistic.models.clients.huggingface_client import HuggingFaceClient
    from holistic.models.credentials import Credentials
    from holistic.models.registry import get_model

    directory = tempfile.mkdtemp(prefix="bench-hf-")
    return HuggingFaceClient(
        get_model(MODEL), ClientContext(CacheRegistry(directory), Credentials({}, "bench"), {MODEL: options})
    )


def timed_modes(requests: list, options: dict) -> tuple[dict[str, float], list]:
    """Seconds batched and one at a time (fresh caches, model already loaded)."""
    client = new_client(options)
    start = time.perf_counter()
    batched = client.make_requests(requests)
    seconds = {"batched": time.perf_counter() - start}
    client = new_client(options)
    start = time.perf_counter()
    for request in requests:
        client.make_request(request)
    seconds["one at a time"] = time.perf_counter() - start
    assert all(r.success for r in batched), [r.error for r in batched if not r.success][:1]
    return seconds, batched


def trie_nodes(token_lists: list[list[int]]) -> int:
    from holistic.models.local.engine import common_prefix_length

    ordered = sorted(token_lists)
    return len(ordered[0]) + sum(len(b) - common_prefix_length(a, b) for a, b in zip(ordered, ordered[1:]))


def scoring(name: str, requests: list, options: dict, limit_gflops: float, parameters: int) -> list:
    from holistic.models.registry import get_model
    from holistic.models.tokenizers import get_tokenizer

    tokenizer = get_tokenizer(get_model(MODEL).tokenizer)
    tokens = [tokenizer.encode(r.prompt) for r in requests]
    total, nodes = sum(map(len, tokens)), trie_nodes(tokens)
    seconds, results = timed_modes(requests, options)
    print(
        f"\n{name}: {len(requests)} requests, {total} prompt tokens ({nodes} after prefix sharing)  [{load()}]"
    )
    for mode, s in seconds.items():
        rate = total / s
        computed = (nodes if mode == "batched" else total) / s
        fraction = computed * 2 * parameters / 1e9 / limit_gflops
        print(
            f"  {mode:14s} {s:7.2f} s  {rate:8.0f} prompt tokens/s  ({computed:6.0f} computed tokens/s = {fraction:5.1%} of the fp32 limit)"
        )
    print(f"  speed-up {seconds['one at a time'] / seconds['batched']:.2f}x")
    return results


def generation(requests: list, options: dict) -> None:
    from dataclasses import replace

    generate = [
        replace(r, echo_prompt=False, max_tokens=20, stop_sequences=[], top_k_per_token=1) for r in requests
    ]
    seconds, results = timed_modes(generate, options)
    produced = sum(len(c.tokens) for r in results for c in r.completions)
    print(
        f"\ngeneration: {len(generate)} greedy completions of up to 20 tokens, {produced} tokens  [{load()}]"
    )
    for mode, s in seconds.items():
        print(f"  {mode:14s} {s:7.2f} s  {produced / s:8.1f} generated tokens/s")
    print(f"  speed-up {seconds['one at a time'] / seconds['batched']:.2f}x")


def bf16_error(requests: list, fp32_results: list, options: dict) -> None:
    results = new_client({**options, "dtype": "bfloat16"}).make_requests(requests)
    errors = [
        abs(a.logprob - b.logprob)
        for x, y in zip(fp32_results, results)
        for a, b in zip(x.completions[0].tokens[1:], y.completions[0].tokens[1:])
    ]
    sums = [abs(x.completions[0].logprob - y.completions[0].logprob) for x, y in zip(fp32_results, results)]
    print(
        f"\nbf16 vs fp32 log-probabilities over {len(errors)} tokens: mean |error| {sum(errors) / len(errors):.4f}, max {max(errors):.4f}; per request (sum) mean {sum(sums) / len(sums):.4f}, max {max(sums):.4f}"
    )


def end_to_end(
    description: str, instances: int, data_mirror: str, dtype: str, threads: int | None, device: str
) -> None:
    """One `helm-run` in a fresh process, wall time and peak memory (model already converted, cache empty)."""
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp, "prod_env")
        local.mkdir()
        (local / "model_deployments.yaml").write_text(
            f"model_deployments:\n  - name: {MODEL}\n    device: {device}\n    dtype: {dtype}\n"
        )
        command = [
            sys.executable, "-m", "holistic.cli.run", "--run-specs", description, "--suite", "bench",
            "--max-eval-instances", str(instances), "--data-mirror", data_mirror,
            "-o", str(Path(tmp, "out")), "--local-path", str(local), "-q",
        ]  # fmt: skip
        measure(command, f"{description} x{instances} [{dtype}]", threads, Path(tmp, "out", "runs", "bench"))


def measure(command: list[str], label: str, threads: int | None, runs: Path | None = None) -> None:
    """Run `command` in a fresh process; print its wall time, peak memory and (for runs) accuracy."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:]).returncode\n"
        "print(code, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "HF_HUB_OFFLINE": "1"}
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    out = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, env=env)
    code, seconds, rss = out.stdout.split()[-3:]
    accuracy = ""
    stats_files = list(runs.glob("*/stats.json")) if runs else []
    if stats_files:
        stats = json.loads(stats_files[0].read_text())
        em = [
            s for s in stats
            if s["name"]["name"] == "exact_match" and s["name"].get("split") == "test" and "perturbation" not in s["name"]
        ]  # fmt: skip
        if em:
            accuracy = f", exact_match {em[0]['mean']:.3f}"
    status = "" if code == "0" else f" FAILED ({out.stderr.strip().splitlines()[-1:]})"
    print(
        f"  {label}: {float(seconds):6.1f} s, peak {int(rss) / 1024:6.0f} MiB{accuracy}{status}  [{load()}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-mirror", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--quick", action="store_true", help="fewer instances (a smoke run)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's own)")
    parser.add_argument("--skip-e2e", action="store_true", help="skip the helm-run end-to-end timings")
    parser.add_argument("--e2e-only", action="store_true", help="only the end-to-end timings")
    parser.add_argument(
        "--pattern-match", action="store_true", help="only the 5-shot generation row (pattern_match x20)"
    )
    parser.add_argument(
        "--compare-unbatched",
        action="store_true",
        help="with --pattern-match: also run each request alone, without prefix sharing, and compare tokens",
    )
    parser.add_argument("--repeat", type=int, default=1, help="with --pattern-match: end-to-end runs")
    parser.add_argument("--separate-requests", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    if args.separate_requests is not None:
        return separate_process(args.data_mirror, args.separate_requests, args.device)
    if args.e2e_only:
        return end_to_end_all(args)
    if args.pattern_match:
        return pattern_match(args)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    options = {"device": args.device, "dtype": "float32"}
    print(
        f"machine: {cpu_name()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}  [{load()}]"
    )
    rates = matmul_rates(args.device)
    print(f"matmul (256x576 @ 576x1536): fp32 {rates['fp32']:.0f} GFLOP/s, bf16 {rates['bf16']:.0f} GFLOP/s")

    from holistic.models.local.loading import load_model, resolve_source
    from holistic.models.registry import get_model

    start = time.perf_counter()
    model = load_model(resolve_source(get_model(MODEL)), args.device, "float32").model
    parameters = sum(p.numel() for p in model.parameters())
    print(
        f"model load (converted checkpoint, fp32, in this process): {time.perf_counter() - start:.2f} s; {parameters / 1e6:.1f} M parameters"
    )

    long_instances = 10 if args.quick else 50
    joint, _ = mmlu_requests(args.data_mirror, "philosophy", long_instances, "multiple_choice_joint")
    from dataclasses import replace

    long = [replace(r, echo_prompt=True, max_tokens=0, top_k_per_token=1) for r in joint]
    scoring(
        "long requests (5-shot MMLU philosophy joint prompts, echo, max_tokens 0)",
        long,
        options,
        rates["fp32"],
        parameters,
    )
    _, instances = mmlu_requests(
        args.data_mirror, "abstract_algebra", 5 if args.quick else 25, "multiple_choice_joint"
    )
    short = separate_requests(instances)
    fp32 = scoring(
        "short requests (separate + calibration, abstract_algebra)", short, options, rates["fp32"], parameters
    )
    bf16_error(short, fp32, options)
    # A prompt the model answers at length, so completions run to 20 tokens rather than stopping early.
    questions = [replace(r, prompt=f"{i.input}\nExplanation:") for r, i in zip(short[:: 2 * 4], instances)]
    generation(questions[: 8 if args.quick else 25], options)

    if not args.skip_e2e:
        end_to_end_all(args)


def end_to_end_all(args) -> None:
    print(
        f"\nend to end (a fresh process each; the request cache starts empty; {args.threads or 'default'} threads):"
    )
    n = 10 if args.quick else 50
    for dtype in ("float32", "bfloat16"):
        end_to_end(
            f"mmlu:subject=philosophy,model={MODEL}", n, args.data_mirror, dtype, args.threads, args.device
        )
    end_to_end(f"{PATTERN_MATCH},model={MODEL}", 20, args.data_mirror, "float32", args.threads, args.device)
    n = 5 if args.quick else 25
    if importlib.util.find_spec("holistic.adaptation.adapters.multiple_choice_separate"):
        description = f"mmlu:subject=abstract_algebra,method=multiple_choice_separate_original,model={MODEL}"
        end_to_end(description, n, args.data_mirror, "float32", args.threads, args.device)
    else:
        # The separate adapter is not on this branch: the same requests (HELM §4.7), built directly.
        command = [sys.executable, __file__, "--data-mirror", args.data_mirror, "--device", args.device]
        command += ["--separate-requests", str(n)]
        measure(command, f"abstract_algebra separate-original requests x{n} (no adapter)", args.threads)


PATTERN_MATCH = "synthetic_reasoning:mode=pattern_match"


def pattern_match_requests(data_mirror: str, instances: int) -> list:
    """The requests of a real 5-shot pattern_match run (greedy, max_tokens 50, stop at a newline)."""
    from holistic.adaptation import get_adapter
    from holistic.adaptation.sampling import sample_eval_instances
    from holistic.models.window_service import get_window_service
    from holistic.run_specs.construct import construct_run_specs
    from holistic.runner.runner import Runner, RunnerOptions
    from holistic.scenarios import create_scenario

    (run_spec,) = construct_run_specs(f"{PATTERN_MATCH},model={MODEL}")
    with tempfile.TemporaryDirectory() as out:
        runner = Runner(
            RunnerOptions(suite="bench", output_path=out, local_path=out, data_mirror=data_mirror)
        )
        chosen = sample_eval_instances(
            runner.load_instances(create_scenario(run_spec.scenario_spec)), instances
        )
        state = get_adapter(run_spec.adapter_spec, get_window_service(MODEL)).adapt(chosen)
    return [s.request for s in state.request_states]


def pattern_match(args) -> None:
    """The issue-16 generation row: 20 five-shot pattern_match instances, in process and end to end."""
    import torch

    from holistic.models.local.work import common_prefix_length
    from holistic.models.registry import get_model
    from holistic.models.tokenizers import get_tokenizer

    if args.threads:
        torch.set_num_threads(args.threads)
    options = {"device": args.device, "dtype": "float32"}
    print(
        f"machine: {cpu_name()}, {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads  [{load()}]"
    )
    requests = pattern_match_requests(args.data_mirror, 20)
    tokenizer = get_tokenizer(get_model(MODEL).tokenizer)
    ids = [tokenizer.encode(r.prompt) for r in requests]
    shared = min(common_prefix_length(ids[0], other) for other in ids[1:])
    print(
        f"{PATTERN_MATCH} x{len(requests)}: {sum(map(len, ids))} prompt tokens, {shared} shared by all, "
        f"{trie_nodes(ids)} computed"
    )
    client = new_client(options)
    client.engine()  # load outside the timing
    start, cpu = time.perf_counter(), time.process_time()
    batched = new_client(options).make_requests(requests)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    tokens = [len(r.completions[0].tokens) for r in batched]
    reasons = [r.completions[0].finish_reason["reason"] for r in batched]
    print(
        f"  batched: {seconds:.2f} s ({cpu:.2f} s CPU), {sum(tokens)} tokens generated, longest {max(tokens)}, "
        f"{reasons.count('stop')} stopped at their stop sequence  [{load()}]"
    )
    if args.compare_unbatched:
        alone = new_client(options)
        engine = alone.engine()
        engine.packing = False
        start = time.perf_counter()
        unbatched = [alone.make_request(r) for r in requests]
        engine.packing = True
        equal = sum(
            [t.text for t in a.completions[0].tokens] == [t.text for t in b.completions[0].tokens]
            for a, b in zip(batched, unbatched)
        )
        print(
            f"  one at a time, no prefix sharing: {time.perf_counter() - start:.2f} s; "
            f"{equal}/{len(requests)} completions token-identical to batched  [{load()}]"
        )
    print(f"\nend to end ({args.threads or 'default'} threads):")
    for _ in range(args.repeat):
        end_to_end(
            f"{PATTERN_MATCH},model={MODEL}", 20, args.data_mirror, "float32", args.threads, args.device
        )


def separate_process(data_mirror: str, instances: int, device: str) -> None:
    """What `helm-run ... method=multiple_choice_separate_original` computes, without the adapter."""
    _, chosen = mmlu_requests(data_mirror, "abstract_algebra", instances, "multiple_choice_joint")
    requests = separate_requests(chosen)[::2]  # originals only
    results = new_client({"device": device, "dtype": "float32"}).make_requests(requests)
    assert all(r.success for r in results)


if __name__ == "__main__":
    main()
