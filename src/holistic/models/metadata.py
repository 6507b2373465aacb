"""`ModelMetadata`: what holistic knows about one model, as frozen data (a leaf module: imports nothing).

The table of models and the lookup (`find_model`, `get_model`) are in `holistic.models.registry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FrozenArgs(dict):
    """A dict that refuses changes, so a built `ModelMetadata` (shared by every client) never mutates."""

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("ModelMetadata.args is read-only; build a new ModelMetadata (dataclasses.replace)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        return (FrozenArgs, (dict(self),))

    def __copy__(self) -> FrozenArgs:
        return self

    def __deepcopy__(self, memo: dict) -> FrozenArgs:
        return self


# Tags (HELM's names).
TEXT = "text"
CODE = "code"
EMBEDDING = "embedding"
FULL_FUNCTIONALITY_TEXT = "full_functionality_text"
LIMITED_FUNCTIONALITY_TEXT = "limited_functionality_text"
ABLATION = "ablation"
NO_NEWLINES = "no_newlines"
NLG_PREFIX = "nlg_prefix_tag"
WIDER_CONTEXT_WINDOW = "wider_context_window"
GPT2_TOKENIZER = "gpt2_tokenizer"
AI21_TOKENIZER = "ai21_tokenizer"
COHERE_TOKENIZER = "cohere_tokenizer"
OPT_TOKENIZER = "opt_tokenizer"
GPTJ_TOKENIZER = "gptj_tokenizer"
GPTNEO_TOKENIZER = "gptneo_tokenizer"
LOCAL = "local"
"""holistic's own tag: runs on this machine (no API)."""


@dataclass(frozen=True)
class ModelMetadata:
    name: str
    """`<organization>/<engine>`."""

    display_name: str
    """Name shown in reports."""

    group: str
    """Quota group (HELM's proxy accounts)."""

    client: str
    """Client module under `holistic.models.clients` (`<client>_client`)."""

    tokenizer: str
    """Tokenizer (window service) name, HELM's spelling."""

    max_sequence_length: int
    """Tokens the model can attend to."""

    max_request_length: int
    """Tokens a request (prompt plus completion) may have."""

    prefix_token: str
    """Token prepended to language-modelling windows."""

    tags: tuple[str, ...] = ()
    """Capabilities and families (HELM's tags)."""

    end_of_text_token: str = "<|endoftext|>"
    """Token that ends a text."""

    encoder_decoder: bool = False
    """Encoder-decoder models do not count the completion against the prompt window."""

    in_helm_registry: bool = True
    """False for models holistic adds; the `model=` categories cover HELM's 2022 registry only."""

    args: dict[str, Any] = field(default_factory=dict)
    """Client arguments (a local model's path or hub id, a deployment's base_url, ...)."""

    def __post_init__(self) -> None:
        if not isinstance(self.args, FrozenArgs):
            object.__setattr__(self, "args", FrozenArgs(self.args))

    @property
    def organization(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def engine(self) -> str:
        return self.name.split("/", 1)[1]
