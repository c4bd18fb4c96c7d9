"""Reactive properties: one mechanism for every visual (and a closed attribute set).

A visual declares each property once, as a class attribute::

    class Dots(Visual):
        size = Prop(checks.numbers(minimum=0), "Diameter in pixels, one or one per dot.",
                    per_item=True)
        color = Prop(checks.colors(), "One colour or one per dot.", per_item=True)
        scaling = Prop(checks.choice("pixels", "scene"), "Sizes in pixels or scene units.",
                       dirty="shader")

A :class:`Prop` holds the check (which converts the value as given into what the
shaders need, and whose messages live once in ``scene/visuals/_data.py``), the
docstring, whether the value is per item (re-checked against the new count when
the item count changes) and the parts it marks dirty (its own name by default).
:class:`Reactive` owns the converted values (``_values``), the values as given
(``_given``), the item count (``_n``) and the set of dirty parts (``_dirty``);
the visual uploads those parts in ``_prepare`` and clears them. Assignments are
checked all together before any value changes (:meth:`Reactive._assign`), so a
rejected ``set_data`` leaves the visual as it was.

:class:`Sealed` closes the attribute set of scene objects: once constructed, an
object refuses a public attribute that its class does not declare, with the
nearest names, instead of silently keeping a value that nothing reads
(``markers.sise = 5``), and refuses, before construction, a keyword argument that
no constructor of its class takes, naming the class that was called (``Line(pos=...)``
says ``Line``, not ``Node.__init__``). Both messages know vispy's names for glframe's
(``pos`` is ``positions``), which difflib alone would not find.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any, ClassVar

__all__ = [
    "Prop",
    "Alias",
    "Auto",
    "Reactive",
    "Sealed",
    "aliased_argument",
    "take_alias",
    "unknown_name_error",
    "VISPY_NAMES",
]

#: vispy's names of glframe's attributes and keywords (the first one the class has is
#: suggested): Line/Markers/Text pos, Polygon pos, Text face, Volume relative_step_size,
#: Ellipse num_segments
VISPY_NAMES: dict[str, tuple[str, ...]] = {
    "pos": ("positions", "vertices"),
    "face": ("font",),
    "relative_step_size": ("step_size",),
    "num_segments": ("segments",),
}


def unknown_name_error(owner: str, name: str, known: list[str], what: str = "attribute") -> str:
    """The message for an unknown ``name``: the nearest known names, or all of them."""
    near = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    vispy = next((n for n in VISPY_NAMES.get(name, ()) if n in known), None)
    if vispy is not None:  # vispy's name first: difflib misses pos/positions
        near = [vispy, *(n for n in near if n != vispy)][:3]
    hint = (
        f"did you mean {' or '.join(repr(n) for n in near)}?"
        if near
        else f"known: {', '.join(sorted(known))}"
    )
    if vispy is not None:
        hint += f" ({name!r} is vispy's name for {vispy!r})"
    return f"{owner} has no {what} {name!r}; {hint}"


@functools.cache
def _keywords(cls: type) -> frozenset[str] | None:
    """The keyword arguments that ``cls(...)`` accepts, following ``**kwargs`` up the MRO
    (each glframe constructor passes them to its base); None when a constructor outside
    glframe takes ``**kwargs`` (a user's class may use them itself: not checked)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        params = inspect.signature(klass.__init__).parameters.values()
        kinds = {p.kind for p in params}
        names.update(
            p.name
            for p in params
            if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.name != "self"
        )
        if inspect.Parameter.VAR_KEYWORD not in kinds:
            return frozenset(names)
        if not klass.__module__.startswith("glframe."):
            return None
    return None


class Alias:
    """Another name for a property (vispy's ``pos`` for ``positions``): reading and
    writing it reads and writes the property, and a constructor takes it as a keyword.
    It never shadows a name of glframe's own."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.__doc__ = f"vispy's name for :attr:`{self.target}` (the same property)."

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        return self if obj is None else getattr(obj, self.target)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(obj, self.target, value)


def take_alias(cls: type, kwargs: dict[str, Any], what: str) -> dict[str, Any]:
    """``kwargs`` with each :class:`Alias` of ``cls`` renamed to its property; both names
    given at once is a TypeError naming ``what`` (the call)."""
    renamed = dict(kwargs)
    for name in kwargs:
        alias = inspect.getattr_static(cls, name, None)
        if isinstance(alias, Alias):
            if alias.target in kwargs:
                raise TypeError(
                    f"{what} got both {name!r} and {alias.target!r}: they are one property "
                    f"({name!r} is vispy's name for {alias.target!r}); give one"
                )
            renamed[alias.target] = renamed.pop(name)
    return renamed


def aliased_argument(
    cls: type, name: str, value: Any, properties: dict[str, Any], what: str
) -> tuple[Any, dict[str, Any]]:
    """A method's argument ``name`` (None: not given) and its other keyword arguments,
    with the argument also taken under its :class:`Alias` (``set_data(pos=...)``)."""
    if not properties:
        return value, properties
    given = take_alias(cls, {**({name: value} if value is not None else {}), **properties}, what)
    return given.pop(name, None), given


class _SealedMeta(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if kwargs:
            kwargs = take_alias(cls, kwargs, f"{cls.__name__}()")
        accepted = _keywords(cls) if kwargs else None
        if accepted is not None:
            for name in kwargs:
                if name not in accepted:
                    raise TypeError(
                        unknown_name_error(cls.__name__, name, sorted(accepted), "keyword").replace(
                            " has no keyword ", "() got an unexpected keyword argument ", 1
                        )
                    )
        obj = super().__call__(*args, **kwargs)
        object.__setattr__(obj, "_sealed", True)  # after the outermost __init__
        return obj


class Sealed(metaclass=_SealedMeta):
    """Refuses, after construction, public attributes that nothing declares.

    Private names (``_x``), names the class defines (properties, methods, class
    attributes) and attributes set during ``__init__`` stay assignable. A user's
    subclass declares its own attributes in its ``__init__``, as usual.
    """

    _sealed: ClassVar[bool] = False

    def __setattr__(self, name: str, value: Any) -> None:
        if (
            self._sealed
            and not name.startswith("_")
            and name not in self.__dict__
            and not hasattr(type(self), name)
        ):
            known = [n for n in (*dir(type(self)), *self.__dict__) if not n.startswith("_")]
            raise AttributeError(
                unknown_name_error(type(self).__name__, name, known)
                + " (an attribute that nothing declares would draw nothing)"
            )
        object.__setattr__(self, name, value)


class Prop:
    """A reactive property: checked when set, marks parts dirty, documented.

    Parameters
    ----------
    check
        ``check(value, what)`` returns the converted value or raises with ``what``
        (e.g. ``"Markers.size"``) in its message; ``check(value, what, n)`` when
        ``per_item``. The checks of ``glframe.scene.visuals._data`` build these.
    doc
        The docstring users read (``help(Markers.size)``).
    per_item
        One value or one per item: checked again against ``n`` items whenever the
        item count changes.
    dirty
        The parts to mark dirty (default: the property's name).
    returns
        "value" (the converted value, default) or "given" (the value as given).
    """

    def __init__(
        self,
        check: Callable[..., Any],
        doc: str,
        *,
        per_item: bool = False,
        dirty: str | tuple[str, ...] | None = None,
        returns: str = "value",
    ) -> None:
        if returns not in ("value", "given"):
            raise ValueError(f"Prop returns must be 'value' or 'given', not {returns!r}")
        self.check = check
        self.__doc__ = doc
        self.per_item = per_item
        self._dirty = (dirty,) if isinstance(dirty, str) else dirty
        self.returns = returns
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        if self._dirty is None:
            self._dirty = (name,)

    @property
    def dirty(self) -> tuple[str, ...]:
        """The parts marked dirty by a new value."""
        return self._dirty or (self.name,)

    def convert(self, owner: Reactive, value: Any, n: int) -> Any:
        """``value`` checked and converted for ``owner`` (with ``n`` items)."""
        what = f"{type(owner).__name__}.{self.name}"
        return self.check(value, what, n) if self.per_item else self.check(value, what)

    def __get__(self, obj: Reactive | None, owner: type) -> Any:
        if obj is None:
            return self
        return (obj._given if self.returns == "given" else obj._values)[self.name]

    def __set__(self, obj: Reactive, value: Any) -> None:
        obj._assign({self.name: value})


class Auto(Prop):
    """A :class:`Prop` the visual may choose: while its value is ``unset`` ("auto",
    None), reading it gives ``resolve(visual)``, the value in use (the data's range)."""

    def __init__(self, check: Any, doc: str, *, unset: Any, resolve: Any, **kwargs: Any) -> None:
        super().__init__(check, doc, **kwargs)
        self.unset, self.resolve = unset, resolve

    def __get__(self, obj: Reactive | None, owner: type) -> Any:
        value = super().__get__(obj, owner)
        if obj is None or type(value) is not type(self.unset) or value != self.unset:
            return value
        return self.resolve(obj)


class Reactive(Sealed):
    """Owns the values of :class:`Prop` properties, as given and converted.

    Subclasses call :meth:`_reactive_init` before setting any property, then
    :meth:`_assign` (through the properties, or with many values and a new item
    count from ``set_data``), and provide ``update()``, called after each change.
    """

    #: every Prop of the class and its bases, by name
    _props: ClassVar[dict[str, Prop]] = {}
    #: what the items are called in messages ("points", "labels", ...)
    _items: ClassVar[str] = "items"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._props = {
            name: prop
            for klass in reversed(cls.__mro__)
            for name, prop in vars(klass).items()
            if isinstance(prop, Prop)
        }

    def _reactive_init(self) -> None:
        self._values: dict[str, Any] = {}
        self._given: dict[str, Any] = {}
        self._dirty: set[str] = set()
        self._n = 0

    def _assign(self, values: dict[str, Any], n: int | None = None, *, caller: str = "") -> None:
        """Check ``values`` (and every per-item value again if the count becomes ``n``),
        then set them all; nothing changes when one is refused."""
        props = self._props
        unknown = [name for name in values if name not in props]
        if unknown:
            owner = f"{type(self).__name__}.{caller}" if caller else type(self).__name__
            known = list(props)
            method = getattr(type(self), caller, None) if caller else None
            if method is not None:  # set_data's own arguments (positions, text...) too
                known += [
                    p.name
                    for p in inspect.signature(method).parameters.values()
                    if p.name != "self" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
                ]
            raise TypeError(unknown_name_error(owner, unknown[0], known, "property"))
        count = self._n if n is None else n
        if count != self._n:  # per-item values given before must fit the new count
            for name, prop in props.items():
                if prop.per_item and name not in values and name in self._given:
                    values = {**values, name: self._given[name]}
        converted = {}
        for name, value in values.items():
            try:
                converted[name] = props[name].convert(self, value, count)
            except ValueError as exc:
                if count != self._n and name in self._given and value is self._given[name]:
                    raise ValueError(
                        f"{exc} (there are {count} {self._items} now: give {name}= too)"
                    ) from None
                raise
        self._n = count
        for name, value in converted.items():
            self._given[name] = values[name]
            self._values[name] = value
            self._dirty.update(props[name].dirty)
        self.update()

    def _set_items(
        self, key: str, items: Any, properties: dict[str, Any], dirty: str | None = None
    ) -> None:
        """What every ``set_data`` does: new items (already checked; None keeps them),
        stored under ``key``, and ``properties``, all checked before anything changes;
        marks ``dirty`` (default ``key``)."""
        self._assign(properties, None if items is None else len(items), caller="set_data")
        if items is not None:
            self._values[key] = items
            self._dirty.add(dirty or key)
