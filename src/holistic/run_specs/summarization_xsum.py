"""summarization_xsum: BBC articles (XSum), summarized in 1 sentence (§6.1)."""

from holistic.run_specs._summarization import summarization_run_spec
from holistic.specs import RunSpec


def run_spec(temperature: str = "0.3", device: str = "cpu") -> RunSpec:
    return summarization_run_spec("summarization_xsum", "xsum", 1, 64, temperature, device)
