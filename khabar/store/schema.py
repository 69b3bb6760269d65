"""The store's tables (SQLAlchemy Core). Migrations in ``khabar/store/migrations`` create them.

* ``articles`` — one row per ingested article: its metadata, the article as the dossier shows it
  (``data``), its per-article analysis (``analysis``: mentions, quantities, times, events) and a
  content digest that makes re-ingesting the same text a no-op.
* ``engine_state`` — the cross-article engine's state (entities, stories, duplicate index), so new
  articles update it incrementally; ``version`` counts the commits that changed it.
* ``stories``, ``entities``, ``claims``, ``conflicts``, ``events``, ``duplicates``, ``timeline`` —
  the cross-article results, materialised for querying at the state version in ``meta``.
* ``articles_fts`` (SQLite FTS5) or ``articles.search`` (PostgreSQL text search) — full-text search
  over normalised titles and texts (created by the migration, dialect by dialect).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("seq", Integer, nullable=False, index=True),
    Column("source", Text),
    Column("url", Text),
    Column("title", Text),
    Column("outlet", Text),
    Column("author", Text),
    Column("published", String(10), index=True),
    Column("language", String(8)),
    Column("story", String(40), index=True),
    Column("grp", String(40)),
    Column("search", Text),
    Column("data", JSON, nullable=False),
    Column("analysis", LargeBinary, nullable=False),
    Column("added", DateTime(timezone=True)),
)

engine_state = Table(
    "engine_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
    Column("blob", LargeBinary, nullable=False),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("title", Text),
    Column("first", String(10)),
    Column("last", String(10)),
    Column("updated", Integer, index=True),
    Column("n_articles", Integer),
    Column("n_claims", Integer),
    Column("n_conflicts", Integer),
    Column("data", JSON),
)

entities = Table(
    "entities",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("type", String(16), index=True),
    Column("name", Text),
    Column("latin", Text),
    Column("n_mentions", Integer),
    Column("search", Text),
    Column("data", JSON),
)

claims = Table(
    "claims",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("story", String(40), index=True),
    Column("status", String(20)),
    Column("type", String(20)),
    Column("summary", Text),
    Column("independent_sources", Integer),
    Column("date", String(10)),
    Column("data", JSON),
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("story", String(40), index=True),
    Column("claim", String(40)),
    Column("kind", String(20)),
    Column("about", Text),
    Column("data", JSON),
)

events = Table(
    "events",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("article", String(200), index=True),
    Column("story", String(40), index=True),
    Column("type", String(20)),
    Column("data", JSON),
)

duplicates = Table(
    "duplicates",
    metadata,
    Column("a", String(200), primary_key=True),
    Column("b", String(200), primary_key=True),
    Column("kind", String(20)),
    Column("similarity", Float),
    Column("data", JSON),
)

timeline = Table(
    "timeline",
    metadata,
    Column("n", Integer, primary_key=True),
    Column("story", String(40), index=True),
    Column("date", String(10)),
    Column("claim", String(40)),
    Column("event", String(40)),
    Column("summary", Text),
)
