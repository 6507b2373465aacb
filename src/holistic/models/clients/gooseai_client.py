"""GooseAI (GPT-J, GPT-NeoX): an OpenAI-compatible completions API without best_of."""

from __future__ import annotations

from holistic.models.clients.openai_client import OpenAIClient


class GooseAIClient(OpenAIClient):
    credential = "gooseaiApiKey"
    organization_credential = "gooseaiOrgId"
    default_base_url = "https://api.goose.ai/v1"
    base_url_environment = None
    include_best_of = False
    max_concurrency = 4
