"""newswire: news-article ingestion pipeline."""
