"""Engine, layer 1: what everything else stands on — the errors a user sees, atomic files and
folders, month arithmetic, reading a user's TOML file, plain copies for TOML/JSON, the version."""
