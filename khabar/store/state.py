"""Serialising the cross-article engine's state into the store, safely.

The state is pickled (and an article's analysis compressed too); it is read back with an unpickler that only accepts the
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
    ("numpy", "uint64"), ("numpy", "uint32"), ("numpy", "float32"), ("numpy", "float64"), ("numpy", "int64"), ("numpy", "int32"),
    ("array", "array"), ("array", "_array_reconstructor"),
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


class _Decompressing(io.RawIOBase):
    """A read-only stream over a compressed blob, decompressed as it is read."""

    def __init__(self, blob: bytes) -> None:
        super().__init__()
        self._z = zlib.decompressobj()
        self._blob = memoryview(blob)
        self._pos = 0
        self._pending = b""
        self._off = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._off >= len(self._pending):
            if self._pos >= len(self._blob):
                self._pending, self._off = self._z.flush(), 0
                if not self._pending:
                    return 0
                break
            chunk = self._blob[self._pos:self._pos + (1 << 18)]
            self._pos += len(chunk)
            self._pending, self._off = self._z.decompress(chunk), 0
        n = min(len(buffer), len(self._pending) - self._off)
        buffer[:n] = memoryview(self._pending)[self._off:self._off + n]
        self._off += n  # (an offset: cutting the rest off would copy it on every read)
        return n


ONE_SHOT = 1 << 20  # a compressed blob up to this size is decompressed at once, a larger one as it is read


def dumps(obj: Any, compress: bool = True) -> bytes:
    """The pickle of ``obj``, zlib-compressed (level 3) unless ``compress=False``: an article's
    analysis is compressed (to a fifth of its pickle); the engine's state is not (it is mostly
    float vectors, which zlib shrinks by a quarter at four times the pickling's cost, in the final
    checkpoint of a bulk load, while no worker is running)."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return zlib.compress(data, 3) if compress else data


def dump(obj: Any, file: Any) -> int:
    """``dumps(obj, compress=False)`` written to ``file`` (never whole in memory); its size."""
    start = file.tell()
    pickle.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)
    return file.tell() - start


def loads(blob: bytes) -> Any:
    """What ``dumps`` wrote, compressed or not (a pickle starts with its PROTO opcode, a zlib stream
    never does). A large compressed blob (a state saved by an older version) is decompressed as it
    is unpickled, never whole in memory."""
    if blob[:1] == pickle.PROTO:
        return _Restricted(io.BytesIO(blob)).load()
    if len(blob) <= ONE_SHOT:
        return _Restricted(io.BytesIO(zlib.decompress(blob))).load()
    return _Restricted(io.BufferedReader(_Decompressing(blob), buffer_size=1 << 16)).load()
