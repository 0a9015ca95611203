"""Reading chosen layers' activations (and weights) on a fixed sample batch.

Keras models (any backend) are probed through a sub-model from the model's
inputs to the layers' outputs; PyTorch modules (and so Lightning modules)
through forward hooks. Both run in inference mode without gradients, so a
probe changes nothing in training — not dropout, not batch-norm statistics.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

LayerSpec = str | int


def _is_keras_model(model: Any) -> bool:
    keras = sys.modules.get("keras")  # a Keras model means Keras is imported
    return keras is not None and isinstance(model, keras.Model)


def _choose(
    named: Sequence[tuple[str, Any]], wanted: Iterable[LayerSpec] | bool, model: str
) -> list[tuple[str, Any]]:
    """The layers asked for, by name or index (negative counts from the end)."""
    if wanted is True:
        return list(named)
    if isinstance(wanted, (str, int)):
        wanted = [wanted]
    names = [name for name, _ in named]
    chosen = []
    for spec in wanted:
        if isinstance(spec, bool) or not isinstance(spec, (str, int)):
            raise TypeError(
                f"layers are chosen by name or index, got {type(spec).__name__} {spec!r}"
            )
        if isinstance(spec, int):
            if not -len(named) <= spec < len(named):
                raise ValueError(
                    f"layer index {spec} is out of range: {model} has "
                    f"{len(named)} layers ({', '.join(names)})"
                )
            chosen.append(named[spec])
        elif spec in names:
            chosen.append(named[names.index(spec)])
        else:
            raise ValueError(
                f"{model} has no layer named {spec!r}; its layers are: "
                f"{', '.join(names)}"
            )
    return chosen


class KerasProbe:
    """Activations of some layers of a Keras model, by layer name."""

    def __init__(self, model: Any, layers: Iterable[LayerSpec] | bool) -> None:
        import keras

        named = [(layer.name, layer) for layer in model.layers]
        self.layers = _choose(named, layers, f"model {model.name!r}")
        try:
            inputs = model.inputs
            outputs = [layer.output for _, layer in self.layers]
        except (AttributeError, ValueError) as error:
            raise ValueError(
                f"cannot read the layer outputs of model {model.name!r} ({error}); "
                "layer distributions need a Sequential or functional model that "
                "has been built (or call run.log_distribution yourself)"
            ) from None
        self.model = model
        self.submodel = keras.Model(inputs, outputs)

    def activations(self, sample: Any) -> dict[str, Any]:
        import keras

        if len(self.submodel.inputs) == 1 and not isinstance(sample, (list, dict)):
            sample = [sample]  # the structure the sub-model was built with
        if keras.backend.backend() == "torch":
            import torch

            with torch.no_grad():
                outputs = self.submodel(sample, training=False)
        else:
            outputs = self.submodel(sample, training=False)
        if not isinstance(outputs, (list, tuple)):
            outputs = [outputs]
        return {name: out for (name, _), out in zip(self.layers, outputs)}

    def weights(self) -> dict[str, Any]:
        found = {}
        for name, layer in self.layers:
            prefix = f"{getattr(layer, 'path', None) or layer.name}/"
            for weight in layer.weights:
                # The path inside the layer: a MultiHeadAttention's
                # query/kernel and key/kernel stay apart.
                path = weight.path or weight.name
                inner = path[len(prefix) :] if path.startswith(prefix) else path
                found[f"{name}/{inner}"] = weight
        return found


class TorchProbe:
    """Activations of some submodules of a ``torch.nn.Module``, by name."""

    def __init__(self, module: Any, layers: Iterable[LayerSpec] | bool) -> None:
        import torch

        named = [(n, m) for n, m in module.named_modules() if n]
        self.layers = _choose(named, layers, f"module {type(module).__name__}")
        if type(module).forward is torch.nn.Module.forward:
            raise ValueError(
                f"{type(module).__name__} has no forward(): the layers are read "
                "by calling the module on the sample, so define forward()"
            )
        self.module = module

    def activations(self, sample: Any) -> dict[str, Any]:
        import torch

        seen: dict[str, Any] = {}

        def hook(name: str) -> Any:
            def keep(_module: Any, _inputs: Any, output: Any) -> None:
                if isinstance(output, (tuple, list)):
                    output = output[0]  # e.g. an LSTM's (output, state)
                seen[name] = output.detach()

            return keep

        handles = [m.register_forward_hook(hook(n)) for n, m in self.layers]
        # Each submodule's own mode: a part the user froze in eval mode (a
        # BatchNorm) must stay so.
        modes = [(m, m.training) for m in self.module.modules()]
        try:
            self.module.eval()
            with torch.no_grad():
                self.module(_to_device(sample, self.module))
        finally:
            for module, training in modes:
                module.training = training
            for handle in handles:
                handle.remove()
        return {name: seen[name] for name, _ in self.layers if name in seen}

    def weights(self) -> dict[str, Any]:
        return {
            f"{name}/{weight_name}": weight
            for name, layer in self.layers
            for weight_name, weight in layer.named_parameters(recurse=False)
        }

    def grad_norms(self) -> dict[str, Any]:
        """Each layer's gradient norm now (after backward), as a 0-d tensor:
        no device sync until the epoch's norms are summarised together."""
        import torch

        norms = {}
        for name, layer in self.layers:
            grads = [p.grad for p in layer.parameters() if p.grad is not None]
            if grads:
                norms[name] = torch.linalg.vector_norm(
                    torch.stack([torch.linalg.vector_norm(g.detach()) for g in grads])
                )
        return norms


def _to_device(sample: Any, module: Any) -> Any:
    import torch

    device = next((p.device for p in module.parameters()), None)
    if isinstance(sample, torch.Tensor):
        return sample.to(device) if device is not None else sample
    if hasattr(sample, "__array__"):
        tensor = torch.as_tensor(sample)
        if tensor.is_floating_point():
            dtype = next((p.dtype for p in module.parameters()), tensor.dtype)
            tensor = tensor.to(dtype)
        return tensor.to(device) if device is not None else tensor
    return sample


def probe_for(
    model: Any, layers: Iterable[LayerSpec] | bool
) -> KerasProbe | TorchProbe:
    """A probe of ``layers`` of a Keras model or a ``torch.nn.Module``."""
    # Checked first: on the torch backend a Keras model is a Module too.
    if _is_keras_model(model):
        return KerasProbe(model, layers)
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        return TorchProbe(model, layers)
    raise TypeError(
        f"cannot probe the layers of {type(model).__name__}: expected a Keras "
        "model or a torch.nn.Module (a LightningModule is one)"
    )


def record(
    run: Any,
    probe: KerasProbe | TorchProbe,
    sample: Any,
    epoch: int | None,
    weights: bool,
) -> None:
    """Summarise the probed layers into ``run`` for ``epoch``."""
    for name, values in probe.activations(sample).items():
        run.log_distribution(name, values, epoch)
    if weights:
        for name, values in probe.weights().items():
            run.log_distribution(name, values, epoch, kind="weights")


class Recorder:
    """What a callback's ``distributions=`` / ``sample=`` / ``weights=`` ask
    for, recorded each epoch. A failure stops the distributions with one
    warning; the training curves go on."""

    def __init__(
        self, layers: Any, sample: Any, weights: bool, gradients: bool = False
    ) -> None:
        if layers is not None and layers is not False and sample is None:
            raise ValueError(
                "distributions= needs sample=: a small fixed batch of inputs "
                "(e.g. x_val[:256]) to read the layers' activations on"
            )
        self.layers = None if layers is False else layers
        self.sample = sample
        self.weights = weights
        self.gradients = gradients
        self.probe: KerasProbe | TorchProbe | None = None
        self._norms: dict[str, list[Any]] = {}  # this epoch's, per layer

    def attach(self, model: Any) -> None:
        """Resolve the layers: call before training, so that a wrong name
        stops it at once with the model's layer names."""
        if self.layers is not None:
            self.probe = probe_for(model, self.layers)
        if self.gradients and not isinstance(self.probe, TorchProbe):
            raise ValueError(
                "gradients=True needs distributions= on a PyTorch (Lightning) "
                "module: Keras does not show gradients to callbacks"
            )

    def after_backward(self) -> None:
        """Note each chosen layer's gradient norm of this step."""
        if not self.gradients or not isinstance(self.probe, TorchProbe):
            return
        try:
            for name, norm in self.probe.grad_norms().items():
                self._norms.setdefault(name, []).append(norm)
        except Exception as error:
            self._stop(error)

    def record(self, run: Any, epoch: int) -> None:
        if self.probe is None:
            return
        try:
            record(run, self.probe, self.sample, epoch, self.weights)
            if self._norms:
                import torch

                for name, norms in self._norms.items():
                    run.log_distribution(
                        f"{name}/grad_norm", torch.stack(norms), epoch, kind="gradients"
                    )
                self._norms = {}
        except Exception as error:
            self._stop(error)

    def _stop(self, error: Exception) -> None:
        if self.probe is not None:
            self.probe = None
            warnings.warn(
                f"traincurves: layer distributions stopped ({error!r}); the "
                "training curves go on",
                RuntimeWarning,
                stacklevel=2,
            )
