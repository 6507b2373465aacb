"""Models outside the registry table that can still be named: `huggingface/<hub id or local path>` and
`openai-compatible/<served model>` (a server configured by environment variables, see deployments.py)."""

from __future__ import annotations

from holistic.models.registry import ModelMetadata


def resolve_dynamic_model(name: str) -> ModelMetadata | None:
    """Return metadata for a model that is not in the table, or None if the name means nothing."""
    organization, _, engine = name.partition("/")
    if organization == "huggingface" and engine:
        return ModelMetadata(
            name=name,
            display_name=engine,
            group="huggingface",
            client="huggingface",
            tokenizer=name,
            max_sequence_length=2048,
            max_request_length=2048,
            prefix_token="",
            tags=("text", "full_functionality_text", "local"),
            in_helm_registry=False,
            args={"pretrained_model_name_or_path": engine},
        )
    if organization == "openai-compatible" and engine:
        from holistic.models.deployments import openai_compatible_model

        return openai_compatible_model(name)
    return None
