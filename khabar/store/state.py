"""Serialising the cross-article engine's state into the store, safely.

The state is pickled and compressed; it is read back with an unpickler that only accepts the
classes the state is made of (khabar's own, numpy arrays, datasketch sketches, a few standard
containers), so a tampered row in a shared database cannot run code.
"""

from __future__ import annotations

import io
import pickle
import zlib
from typing import Any

_ALLOWED_MODULE_PREFIXES = ("khabar.", "datasketch.")
_ALLOWED = {
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "dict"), ("builtins", "list"), ("builtins", "tuple"),
    ("builtins", "bytearray"), ("builtins", "slice"), ("builtins", "complex"),
    ("collections", "Counter"), ("collections", "defaultdict"), ("collections", "OrderedDict"), ("collections", "deque"),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "timedelta"),
    ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("numpy", "uint64"), ("numpy", "uint32"), ("numpy", "float32"), ("numpy", "float64"), ("numpy", "int64"),
    ("_codecs", "encode"), ("copyreg", "_reconstructor"), ("builtins", "object"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
}


class _Restricted(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED or module.startswith(_ALLOWED_MODULE_PREFIXES):
            return super().find_class(module, name)
        if module == "builtins" and name in ("int", "float", "str", "bytes", "bool"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from the store")


def dumps(obj: Any) -> bytes:
    return zlib.compress(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), 3)


def loads(blob: bytes) -> Any:
    return _Restricted(io.BytesIO(zlib.decompress(blob))).load()
