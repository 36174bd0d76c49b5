"""Everything that touches the outside world: Kafka, object storage, files, Parquet bytes."""
