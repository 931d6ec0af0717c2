"""Engine, layer 6: many futures and what they reduce to — one future (`simulate`), replication
summaries, the job runner on serial/processes/Dask with checkpoints and fault recovery, Monte Carlo
to a precision, aggregation, statistics, targets, provenance."""
