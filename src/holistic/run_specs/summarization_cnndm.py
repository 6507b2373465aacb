"""summarization_cnndm: CNN/DailyMail news articles, summarized in 3 sentences (§6.1)."""

from holistic.run_specs._summarization import summarization_run_spec
from holistic.specs import RunSpec


def run_spec(temperature: str = "0.3", device: str = "cpu") -> RunSpec:
    return summarization_run_spec("summarization_cnndm", "cnn-dm", 3, 128, temperature, device)
