"""holistic: holistic evaluation of language models, compatible with HELM's command line and outputs."""

__version__ = "0.1.0"

__all__ = ["__version__"]
