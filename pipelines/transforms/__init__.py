"""One composite PTransform per pipeline step; `expand` only wires functions of `pipelines.core`."""
