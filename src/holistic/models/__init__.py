"""Models: the registry, requests and results, clients, tokenizers and the request cache."""

from holistic.models.registry import ModelMetadata, get_model, model_names
from holistic.models.request import Request, RequestResult, Sequence, Token

__all__ = ["ModelMetadata", "Request", "RequestResult", "Sequence", "Token", "get_model", "model_names"]
