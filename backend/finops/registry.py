"""Registries of small declarative classes, in the Cloud Custodian style (``c7n/registry.py``).

A registered class has a ``name`` (unique within its registry), a ``Parameters`` type (a frozen
dataclass whose defaults and ``__post_init__`` validation are the one description of what it
accepts), the ``parameter_names`` it reads from it, and a docstring with an ``Example::`` block
(YAML) showing those parameters. The finding rules register here
(``finops.analytics.optimization.rules``); remediation actions will register the same way in a
registry of their own, and the meta-test (``tests/analytics/optimization/test_registry.py``)
checks every registry: unique names, each docstring example parses, names exactly the declared
parameters and validates against ``Parameters``.

This module knows nothing of findings or actions, so any layer may build on it. A remediation
action would join like this (its own base adding what an action declares)::

    ACTIONS: Registry[type[Action]] = Registry("remediation action")

    @ACTIONS.register
    class StopInstance(Action):
        '''Stop an idle EC2 instance (reversible: start it again).

        Example::

            action: stop_instance
            parameters:
              max_resources: 10
        '''

        name = "stop_instance"
        fixes = ("idle_instance",)  # checked against the finding rule registry
        Parameters = StopPolicy
        parameter_names = ("max_resources",)
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

import yaml

from finops.errors import ConfigurationError

EXAMPLE_MARKER = "Example::"


class Registered:
    """Base of every registered class: its name, parameters and docstring example."""

    name: ClassVar[str]
    Parameters: ClassVar[type[Any]]
    parameter_names: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def example_text(cls) -> str:
        """The indented block after ``Example::`` in the class docstring ("" when none)."""
        doc = inspect.cleandoc(cls.__doc__ or "")
        _, marker, rest = doc.partition(EXAMPLE_MARKER)
        if not marker:
            return ""
        lines: list[str] = []
        for line in rest.splitlines()[1:]:
            if line.strip() and not line.startswith(" "):
                break
            lines.append(line)
        return inspect.cleandoc("\n".join(lines))

    @classmethod
    def example(cls) -> dict[str, Any]:
        """The docstring example as a mapping (YAML), refused when it is not one."""
        text = cls.example_text()
        if not text:
            raise ConfigurationError(f"{cls.__name__}: docstring has no {EXAMPLE_MARKER} block")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"{cls.__name__}: docstring example: {exc}") from exc
        if not isinstance(data, dict):
            raise ConfigurationError(f"{cls.__name__}: docstring example is not a mapping")
        return data

    @classmethod
    def parameters_from(cls, values: dict[str, Any]) -> Any:
        """``Parameters`` built from ``values`` (only ``parameter_names``; the rest default),
        each value coerced to its field's type, validated by the class itself."""
        unknown = sorted(set(values) - set(cls.parameter_names))
        if unknown:
            raise ConfigurationError(
                f"{cls.name}: unknown parameter(s) {', '.join(unknown)}; "
                f"accepted: {', '.join(cls.parameter_names) or 'none'}"
            )
        hints = typing.get_type_hints(cls.Parameters)
        coerced = {
            key: _coerce(hints[key], value, f"{cls.name}.{key}") for key, value in values.items()
        }
        return cls.Parameters(**coerced)

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """The default of every declared parameter."""
        fields = {f.name: f for f in dataclasses.fields(cls.Parameters)}
        out: dict[str, Any] = {}
        for name in cls.parameter_names:
            f = fields[name]
            if f.default is not dataclasses.MISSING:
                out[name] = f.default
            elif f.default_factory is not dataclasses.MISSING:
                out[name] = f.default_factory()
            else:
                raise ConfigurationError(f"{cls.name}.{name}: a parameter needs a default")
        return out


def _coerce(kind: Any, value: Any, where: str) -> Any:
    """A YAML scalar as the field's type (YAML reads 0.20 as a float; money is Decimal)."""
    if kind is Decimal:
        return Decimal(str(value))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind in (int, float, bool, str) and not isinstance(value, kind):
        raise ConfigurationError(f"{where}: expected {kind.__name__}, got {value!r}")
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is tuple and isinstance(value, list):
        return tuple(value)
    if origin is dict and isinstance(value, dict) and len(args) == 2:
        return {str(k): _coerce(args[1], v, f"{where}[{k}]") for k, v in value.items()}
    return value


T = TypeVar("T", bound=type[Registered])

REGISTRIES: list[Registry[Any]] = []


class Registry(Generic[T]):
    """Registered classes by name, in registration order."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._classes: dict[str, T] = {}
        REGISTRIES.append(self)

    def register(self, cls: T) -> T:
        """Class decorator; a second class under the same name is refused."""
        if cls.name in self._classes:
            raise ConfigurationError(
                f"{self.kind} {cls.name!r}: registered twice "
                f"({self._classes[cls.name].__qualname__}, {cls.__qualname__})"
            )
        self._classes[cls.name] = cls
        return cls

    def get(self, name: str) -> T:
        try:
            return self._classes[name]
        except KeyError:
            raise ConfigurationError(f"unknown {self.kind} {name!r}") from None

    def names(self) -> tuple[str, ...]:
        return tuple(self._classes)

    def __iter__(self) -> Iterator[T]:
        return iter(tuple(self._classes.values()))

    def __len__(self) -> int:
        return len(self._classes)

    @contextmanager
    def temporarily(self, cls: T) -> Iterator[T]:
        """Register ``cls`` for the duration of a block (tests that check drift detection)."""
        self.register(cls)
        try:
            yield cls
        finally:
            del self._classes[cls.name]
