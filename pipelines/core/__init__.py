"""Pure logic over typed records: no Beam, Kafka or boto3 imports here.

Everything in this package is a plain function (or a small class) over the dataclasses in
`pipelines.core.records`, tested with plain pytest under `tests/core/`.
"""
