"""The rule every callback follows: a problem of ours never stops training."""

from __future__ import annotations

import functools
import warnings
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def never_raise(method: F) -> F:
    """Turn an exception in a callback hook into one warning per callback."""

    @functools.wraps(method)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            if not getattr(self, "_tc_warned", False):
                self._tc_warned = True
                warnings.warn(
                    f"traincurves: {type(self).__name__}.{method.__name__} failed "
                    f"({error!r}); training continues, the panel may be incomplete.",
                    RuntimeWarning,
                    stacklevel=2,
                )
            return None

    return guarded  # type: ignore[return-value]


def import_or_explain(module: str, package: str, feature: str) -> Any:
    """Import a framework, or say which package the feature needs."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ImportError(
            f"{feature} needs the {package!r} package, which is not installed "
            f"({error}). Install it with: pip install {package}"
        ) from error
