"""Model clients, one module per client (`<name>_client.py`), imported only when a run needs them."""

from __future__ import annotations

import importlib
import threading

from holistic.models.clients.base import Client, ClientContext

__all__ = ["Client", "ClientContext", "get_client", "release_client"]

_LOCK = threading.Lock()
_CLIENTS: dict[tuple[int, str], Client] = {}


def get_client(model_name: str, context: ClientContext) -> Client:
    """The client for a model, built once per context (so a local model is loaded once per process)."""
    from holistic.models.registry import get_model

    model = get_model(model_name)
    key = (id(context), model.name)
    with _LOCK:
        if key not in _CLIENTS:
            module = importlib.import_module(f"holistic.models.clients.{model.client}_client")
            _CLIENTS[key] = module.create_client(model, context)
        return _CLIENTS[key]


def release_client(model_name: str, context: ClientContext) -> bool:
    """Forget the context's client for a model (its memory goes once nothing else holds it); whether it had one."""
    from holistic.models.registry import get_model

    key = (id(context), get_model(model_name).name)
    with _LOCK:
        return _CLIENTS.pop(key, None) is not None
