"""khabar: what the news says, according to whom, how well corroborated, and where sources disagree."""

__version__ = "0.1.0"
