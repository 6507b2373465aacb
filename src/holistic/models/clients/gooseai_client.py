"""GooseAI (GPT-J, GPT-NeoX): an OpenAI-compatible completions API without best_of."""

from __future__ import annotations

from holistic.models.clients.base import ClientContext
from holistic.models.clients.openai_client import OpenAIClient
from holistic.models.registry import ModelMetadata


class GooseAIClient(OpenAIClient):
    credential = "gooseaiApiKey"
    organization_credential = "gooseaiOrgId"
    default_base_url = "https://api.goose.ai/v1"
    include_best_of = False
    max_concurrency = 4


def create_client(model: ModelMetadata, context: ClientContext) -> GooseAIClient:
    return GooseAIClient(model, context)
