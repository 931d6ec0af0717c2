"""Engine, layer 3: a scenario — files and overlays, typed and checked reading, parameters with
their sources and ranges, joint draws, `--set`/`--vary` overlays, what behaviour responds to, and
the validated `Scenario` with its assumptions register."""
