"""Variable and Varying: the data that flows into composed shaders.

A :class:`Variable` is a uniform, a vertex attribute, or a compile-time
constant. Setting ``variable.value`` updates every program that uses it: a
UNIFORM (or attribute data) command, never a recompilation — except for
constants, whose value is part of the code (that change is logged). A
:class:`Varying` carries a value from the vertex stage to the fragment stage.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from ..gloo import Texture1D, Texture2D, Texture3D, VertexBuffer
from ..gloo._program import GLSL_TYPES
from ._base import ShaderObject

if TYPE_CHECKING:
    from ._program import ModularProgram

__all__ = ["Variable", "Varying", "infer_gtype"]

log = logging.getLogger("glframe.shaders")
KINDS = ("uniform", "attribute", "const")


def infer_gtype(value: Any, kind: str = "uniform") -> str:
    """The GLSL type a value implies: 1.0 -> float, (1, 2) -> vec2, eye(4) -> mat4, ..."""
    if isinstance(value, (Texture1D, Texture2D)):
        fmt = value.internalformat or ""
        return {"i": "isampler2D", "u": "usampler2D"}.get(_int_kind(fmt), "sampler2D")
    if isinstance(value, Texture3D):
        fmt = value.internalformat or ""
        return {"i": "isampler3D", "u": "usampler3D"}.get(_int_kind(fmt), "sampler3D")
    if isinstance(value, VertexBuffer):
        shape = value.shape[1:]
        n = int(np.prod(shape)) if shape else 1
        return "float" if n == 1 else f"vec{n}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, np.integer)) and kind == "const":
        return "int"
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"cannot infer a GLSL type from {value!r}")
    shape = arr.shape[1:] if kind == "attribute" else arr.shape
    if shape == ():
        return "int" if arr.dtype.kind in "iu" and kind == "const" else "float"
    if len(shape) == 1 and 2 <= shape[0] <= 4:
        return f"vec{shape[0]}"
    if len(shape) == 2 and shape[0] == shape[1] and 2 <= shape[0] <= 4:
        return f"mat{shape[0]}"
    raise ValueError(f"no GLSL type for a value of shape {arr.shape} ({kind})")


def _int_kind(internalformat: str) -> str:
    if internalformat.endswith("ui"):
        return "u"
    if internalformat.endswith("i"):
        return "i"
    return ""


def glsl_literal(gtype: str, value: Any) -> str:
    """A GLSL expression for a constant: ``vec2(1.0, 2.5)``, ``3``, ``true``."""
    comps, kind = GLSL_TYPES[gtype]
    flat = np.asarray(value, dtype=np.float64)
    if gtype.startswith("mat") and flat.ndim == 2:
        flat = flat.T  # math convention in, column-major constructor out
    flat = flat.ravel()
    if flat.size != comps:
        raise ValueError(f"constant of type {gtype} needs {comps} values, got {flat.size}")
    if kind == "b":
        items = ["true" if v else "false" for v in flat]
    elif kind in "iu":
        items = [f"{int(v)}{'u' if kind == 'u' else ''}" for v in flat]
    else:
        items = [repr(float(v)) for v in flat]
    return items[0] if comps == 1 else f"{gtype}({', '.join(items)})"


class Variable(ShaderObject):
    """A uniform, attribute or constant that snippets refer to.

    Parameters
    ----------
    name
        The preferred GLSL name (renamed with a suffix if it collides).
    value
        Its value: a number, tuple, array, texture (uniforms), an (N, C) array
        or VertexBuffer (attributes). May be set later.
    gtype
        The GLSL type; inferred from ``value`` when omitted.
    kind
        "uniform" (default), "attribute" (vertex stage only) or "const".

    Examples
    --------
    >>> scale = Variable("u_scale", (1.0, 1.0))
    >>> scale.gtype
    'vec2'
    >>> scale.value = (2.0, 0.5)            # a UNIFORM update in every program using it
    """

    def __init__(
        self, name: str, value: Any = None, *, gtype: str | None = None, kind: str = "uniform"
    ) -> None:
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"Variable kind {kind!r} must be one of {KINDS}")
        if not name.isidentifier() or name.startswith("gl_"):
            raise ValueError(f"{name!r} is not a valid GLSL variable name")
        if gtype is None and value is None:
            raise ValueError(f"Variable {name!r}: give a value or a gtype")
        self.name = name
        self.kind = kind
        self.gtype = gtype or infer_gtype(value, kind)
        if self.gtype not in GLSL_TYPES:
            raise ValueError(f"Variable {name!r}: unknown GLSL type {self.gtype!r}")
        self._value = value
        # what was given last, as numbers: a numeric uniform (not a sampler's data) or
        # constant (the same value again recompiles nothing)
        self._numeric = kind in ("uniform", "const") and GLSL_TYPES[self.gtype][1] != "s"
        self._frozen = _frozen(value) if self._numeric else None
        # program -> the GLSL name this variable has there
        self._users: weakref.WeakKeyDictionary[ModularProgram, str] = weakref.WeakKeyDictionary()

    @property
    def value(self) -> Any:
        return self._value

    @value.setter
    def value(self, value: Any) -> None:
        if value is not None and self.kind != "attribute" and not isinstance(value, VertexBuffer):
            inferred = _safe_infer(value, self.kind)
            if inferred is not None and not _compatible(self.gtype, inferred):
                raise ValueError(
                    f"Variable {self.name!r} is {self.gtype}; a value of type {inferred} "
                    "would change the shader (make a new Variable for that)"
                )
        self._value = value
        if self._numeric:
            # the same numbers again (a view's viewport each frame) change no program: skip
            # the per-program checks (a copy is compared, so an array changed in place and
            # given again still goes out)
            frozen = _frozen(value)
            if frozen is not None and frozen == self._frozen:
                return
            self._frozen = frozen
        if self.kind == "const":
            log.info("constant %s changed: programs using it recompile", self.name)
            self._structure_changed()
            return
        for program, glsl_name in list(self._users.items()):
            program[glsl_name] = value

    def _attach(self, program: ModularProgram, glsl_name: str) -> None:
        self._users[program] = glsl_name
        if self._value is not None and self.kind != "const":
            program[glsl_name] = self._value

    def declaration(self, glsl_name: str, stage: str) -> str:
        if self.kind == "uniform":
            return f"uniform {self.gtype} {glsl_name};"
        if self.kind == "attribute":
            if stage != "vertex":
                raise ValueError(
                    f"attribute {self.name!r} is used in the {stage} shader; attributes exist "
                    "only in the vertex shader (pass it on with a Varying)"
                )
            return f"in {self.gtype} {glsl_name};"
        return f"const {self.gtype} {glsl_name} = {glsl_literal(self.gtype, self._value)};"

    def __repr__(self) -> str:
        return f"<Variable {self.kind} {self.gtype} {self.name}>"


def _frozen(value: Any) -> tuple | None:
    """A numeric uniform value as comparable bytes; None for textures, buffers and the
    rest (always sent)."""
    if value is None or isinstance(value, (VertexBuffer, Texture1D, Texture2D, Texture3D)):
        return None
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return arr.shape, arr.tobytes()


def _safe_infer(value: Any, kind: str) -> str | None:
    try:
        return infer_gtype(value, kind)
    except (TypeError, ValueError):
        return None


def _compatible(declared: str, inferred: str) -> bool:
    """Whether a value of ``inferred`` type may be given to a ``declared`` variable."""
    scalars = {"float", "int", "uint", "bool"}
    if declared == inferred or (declared in scalars and inferred in scalars):
        return True
    # integer and bool vectors come as float tuples from Python
    return declared[:4] in ("ivec", "uvec", "bvec") and inferred == "vec" + declared[-1]


class Varying(ShaderObject):
    """A value written by the vertex stage and read, interpolated, by the fragment stage.

    Bind the same Varying to a placeholder of each stage: the vertex code assigns
    it (``$v_color = ...;``), the fragment code reads it.

    Examples
    --------
    >>> color = Varying("v_color", "vec4")
    >>> vert["v_color"] = color; frag["v_color"] = color     # doctest: +SKIP
    """

    def __init__(self, name: str, gtype: str, *, flat: bool = False) -> None:
        super().__init__()
        if gtype not in GLSL_TYPES or GLSL_TYPES[gtype][1] == "s":
            raise ValueError(f"Varying {name!r}: {gtype!r} is not a GLSL value type")
        if not flat and GLSL_TYPES[gtype][1] in "iub":
            raise ValueError(f"Varying {name!r}: integer varyings must be flat=True")
        self.name = name
        self.gtype = gtype
        self.flat = flat

    def declaration(self, glsl_name: str, stage: str) -> str:
        qualifier = "flat " if self.flat else ""
        direction = "out" if stage == "vertex" else "in"
        return f"{qualifier}{direction} {self.gtype} {glsl_name};"

    def __repr__(self) -> str:
        return f"<Varying {self.gtype} {self.name}>"
