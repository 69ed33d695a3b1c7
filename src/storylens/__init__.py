"""storylens: see how every outlet tells the same news story.

The pipeline, one subpackage per stage: `ingest` -> `clean` -> `stories` -> `analyze` -> `compare`,
with `store` underneath. `storylens.api` is the Python facade; `storylens.cli` the command line.
"""

__version__ = "0.1.0"
