"""Model clients, one module per client (`<name>_client.py`), imported only when a run needs them.

`create_client` is the one factory: a model's `client` name (the registry's, or model_deployments.yaml's)
names a class below, whose constructor takes (ModelMetadata, ClientContext).
"""

from __future__ import annotations

import importlib
import threading

from holistic.models.clients.base import Client, ClientContext

__all__ = [
    "CLIENT_CLASSES",
    "Client",
    "ClientContext",
    "client_class",
    "create_client",
    "get_client",
    "register_client",
]

# Client name -> class name in `holistic.models.clients.<name>_client` (looked up only when a run needs it),
# or the class itself for clients registered by plug-ins (`register_client`).
CLIENT_CLASSES: dict[str, str | type[Client]] = {
    "simple": "SimpleClient",
    "huggingface": "HuggingFaceClient",
    "openai": "OpenAIClient",
    "gooseai": "GooseAIClient",
    "together": "TogetherClient",
    "microsoft": "MicrosoftClient",
    "anthropic": "AnthropicClient",
    "cohere": "CohereClient",
    "ai21": "AI21Client",
    "inprocess": "InProcessClient",  # model objects registered with holistic.register_model
}

_LOCK = threading.Lock()
_CLIENTS: dict[tuple[int, str], Client] = {}


def client_class(name: str) -> type[Client]:
    """The class of client `name`, importing its module (and only its module)."""
    if name not in CLIENT_CLASSES:
        from holistic.errors import ConfigError, one_of

        raise ConfigError(f"unknown client '{name}' ({one_of(sorted(CLIENT_CLASSES), name)})")
    entry = CLIENT_CLASSES[name]
    if isinstance(entry, type):
        return entry
    module = importlib.import_module(f"holistic.models.clients.{name}_client")
    return getattr(module, entry)


def register_client(name: str, cls: type[Client]) -> None:
    """Make the client name `name` (a model's `client`) build `cls` (the hook for plug-ins)."""
    if not (isinstance(cls, type) and issubclass(cls, Client)):
        from holistic.errors import ConfigError

        raise ConfigError(f"client {name}: {cls!r} is not a subclass of holistic.Client")
    CLIENT_CLASSES[name] = cls


def create_client(model, context: ClientContext) -> Client:
    """A new client for `model` (a ModelMetadata)."""
    return client_class(model.client)(model, context)


def get_client(model_name: str, context: ClientContext) -> Client:
    """The client for a model, built once per context (so a local model is loaded once per process)."""
    from holistic.models.registry import get_model

    model = get_model(model_name)
    key = (id(context), model.name)
    with _LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = create_client(model, context)
        return _CLIENTS[key]


def release_client(model_name: str, context: ClientContext) -> bool:
    """Forget the context's client for a model (its memory goes once nothing else holds it); whether it had one."""
    from holistic.models.registry import get_model

    key = (id(context), get_model(model_name).name)
    with _LOCK:
        return _CLIENTS.pop(key, None) is not None
