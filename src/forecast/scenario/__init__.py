"""Engine, layer 5: a scenario — files and overlays (a place's law and assumptions), the model's
sections read and checked against them, parameters drawn (jointly where they move together, or
quasi-randomly), `--set`/`--vary` overlays, what behaviour responds to, and the validated
`Scenario` with its assumptions register."""
