"""Plain data passed between khabar's stages.

Every stage takes and returns these dataclasses; no stage reaches into another's internals.
Offsets are Python string indices (code points) into an article's cleaned ``text``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Notice:
    """A warning attached to an article (``code`` is a stable machine-readable tag)."""

    code: str
    message: str


@dataclass
class SourceError:
    """A source (file, URL, corpus row, feed item) that could not be read; it is skipped."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class RawDocument:
    """A decoded document as a source yields it, before cleaning.

    ``format`` is ``text``, ``markdown`` or ``html``. ``title``/``outlet``/``author``/``published``
    are hints from the container (feed entry, corpus row, HTTP response); cleaning may find better.
    ``repeat_of``: the source of an earlier document of this run with the same content (see
    ``khabar.pipeline.mark_repeats``), which a store keeps instead: this one is only cleaned and
    fingerprinted.
    """

    id: str
    source: str
    content: str
    format: str = "text"
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    encoding: str | None = None
    notices: list[Notice] = field(default_factory=list)
    repeat_of: str | None = None


@dataclass
class Article:
    """A clean article with its metadata (the dossier's ``articles`` item)."""

    id: str
    source: str
    title: str | None
    text: str
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    wire: list[str] = field(default_factory=list)
    language: str | None = None
    removed: list[str] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    url: str | None = None
    encoding: str | None = None
    contributors: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Token:
    """A token of an article's text: ``text == source[start:end]``; ``key`` is its match key."""

    text: str
    start: int
    end: int
    key: str


@dataclass
class Quantity:
    """A counted amount: ``value`` is the best point value, ``min``/``max`` its bounds."""

    start: int
    end: int
    text: str
    value: float | int | None
    min: float | int | None
    max: float | int | None
    unit: str | None
    unit_text: str | None
    qualifier: str = "exact"
    article: str = ""


@dataclass
class TimeExpr:
    """A time expression resolved to an ISO value of its precision (or ``None``)."""

    start: int
    end: int
    text: str
    value: str | None
    relative: bool = False
    precision: str | None = None  # year | month | day | decade | century
    end_value: str | None = None  # for spans: the last unit covered ("1953" in 1950-1953)
    calendar: str = "gregorian"
    article: str = ""


@dataclass
class Mention:
    """An entity mention found in one article."""

    start: int
    end: int
    text: str
    type: str  # PERSON | ORG | GPE | LOC | FAC | WEAPON | ROLE | OTHER
    key: str = ""  # normalised match key of the canonical form
    canonical: str | None = None  # canonical Arabic name when a lexicon knows it
    latin: str | None = None
    source: str = ""  # what found it: gazetteer, lexicon, pattern, title, crf
    article: str = ""


@dataclass
class Entity:
    """One real-world thing with every spelling merged."""

    id: str
    type: str
    name: str
    latin: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Attribution:
    """Who a claim is attributed to: a named source (with its mention), an anonymous source kept as
    text with its affiliation, reports in general, or the outlet itself."""

    text: str
    mention: Mention | None = None
    kind: str = "named"  # named | anonymous | reports | outlet


@dataclass
class Event:
    """A typed event found in one sentence, with its arguments, its source and its modality.

    ``start``/``end`` span the sentence; ``trigger_*`` the trigger word. Arguments are mentions in
    the article (resolved to entity ids when the dossier is written); ``actor_state`` /
    ``recipient_state`` hold the state a capital or government body stands for (``موسكو`` → روسيا).
    """

    type: str
    start: int
    end: int
    text: str
    trigger: str
    trigger_start: int
    trigger_end: int
    actor: Mention | None = None
    recipient: Mention | None = None
    object: str | None = None
    quantity: Quantity | None = None
    date: str | None = None
    date_source: str = "none"  # text | article | none
    place: Mention | None = None
    attributed_to: list[Attribution] = field(default_factory=list)
    modality: str = "asserted"  # asserted | reported | estimated | denied | planned | uncertain
    actor_state: str | None = None  # canonical name of the state a metonym stands for
    recipient_state: str | None = None
    subtype: str | None = None
    negated: bool = False
    article: str = ""
    id: str = ""


@dataclass
class ArticleAnalysis:
    """Everything per-article work produces for one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    embedding: Any = None  # numpy vector for story clustering (khabar.resolve.embed)
    sketches: list[Any] = field(default_factory=list)  # paragraph MinHash sketches (khabar.resolve.duplicates)
    text_key: str | None = None  # the text's match key (khabar.text.key), made where the article is
    repeat_of: str | None = None  # a repeated document's (RawDocument.repeat_of): nothing extracted


def to_plain(obj: Any) -> Any:
    """Dataclass (or list of them) to JSON-ready plain data."""
    if isinstance(obj, list):
        return [to_plain(o) for o in obj]
    if hasattr(obj, "__dataclass_fields__"):
        return asdict(obj)
    return obj


def mention_from_plain(d: dict[str, Any] | None) -> Mention | None:
    return None if d is None else Mention(**d)


def quantity_from_plain(d: dict[str, Any] | None) -> Quantity | None:
    return None if d is None else Quantity(**d)


def event_from_plain(d: dict[str, Any]) -> Event:
    """An ``Event`` back from ``to_plain`` (nested mentions, quantity and attributions)."""
    d = dict(d)
    for k in ("actor", "recipient", "place"):
        d[k] = mention_from_plain(d.get(k))
    d["quantity"] = quantity_from_plain(d.get("quantity"))
    d["attributed_to"] = [
        Attribution(text=a["text"], mention=mention_from_plain(a.get("mention")), kind=a.get("kind", "named"))
        for a in d.get("attributed_to") or []
    ]
    return Event(**d)
