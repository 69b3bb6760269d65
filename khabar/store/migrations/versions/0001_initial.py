"""The initial schema: articles with full-text search, engine state, materialised results.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False, unique=True),
        sa.Column("seq", sa.Integer, nullable=False, index=True),
        sa.Column("source", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("published", sa.String(10), index=True),
        sa.Column("language", sa.String(8)),
        sa.Column("story", sa.String(40), index=True),
        sa.Column("grp", sa.String(40)),
        sa.Column("search", sa.Text),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("analysis", sa.LargeBinary, nullable=False),
        sa.Column("added", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "engine_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("blob", sa.LargeBinary, nullable=False),
    )
    op.create_table("meta", sa.Column("key", sa.String(64), primary_key=True), sa.Column("value", sa.Text))
    op.create_table(
        "stories",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("first", sa.String(10)),
        sa.Column("last", sa.String(10)),
        sa.Column("updated", sa.Integer, index=True),
        sa.Column("n_articles", sa.Integer),
        sa.Column("n_claims", sa.Integer),
        sa.Column("n_conflicts", sa.Integer),
        sa.Column("data", sa.JSON),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("type", sa.String(16), index=True),
        sa.Column("name", sa.Text),
        sa.Column("latin", sa.Text),
        sa.Column("n_mentions", sa.Integer),
        sa.Column("search", sa.Text),
        sa.Column("data", sa.JSON),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("story", sa.String(40), index=True),
        sa.Column("status", sa.String(20)),
        sa.Column("type", sa.String(20)),
        sa.Column("summary", sa.Text),
        sa.Column("independent_sources", sa.Integer),
        sa.Column("date", sa.String(10)),
        sa.Column("data", sa.JSON),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("story", sa.String(40), index=True),
        sa.Column("claim", sa.String(40)),
        sa.Column("kind", sa.String(20)),
        sa.Column("about", sa.Text),
        sa.Column("data", sa.JSON),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("article", sa.String(200), index=True),
        sa.Column("story", sa.String(40), index=True),
        sa.Column("type", sa.String(20)),
        sa.Column("data", sa.JSON),
    )
    op.create_table(
        "duplicates",
        sa.Column("a", sa.String(200), primary_key=True),
        sa.Column("b", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20)),
        sa.Column("similarity", sa.Float),
        sa.Column("data", sa.JSON),
    )
    op.create_table(
        "timeline",
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("story", sa.String(40), index=True),
        sa.Column("date", sa.String(10)),
        sa.Column("claim", sa.String(40)),
        sa.Column("event", sa.String(40)),
        sa.Column("summary", sa.Text),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # external-content FTS5 over the normalised title and text (khabar.text.key folding)
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, search, tokenize='unicode61')")
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE INDEX articles_search_idx ON articles USING GIN (to_tsvector('simple', coalesce(search, '')))")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for t in ("timeline", "duplicates", "events", "conflicts", "claims", "entities", "stories", "meta", "engine_state",
              "articles"):
        op.drop_table(t)
