"""The text layer: normalisation keys, tokens with offsets, clitic-aware bases, sentences."""

from .normalize import arabic_ratio, digits_to_ascii, key, strip_diacritics
from .tokens import bases, sentences, tokenize

__all__ = ["arabic_ratio", "bases", "digits_to_ascii", "key", "sentences", "strip_diacritics", "tokenize"]
