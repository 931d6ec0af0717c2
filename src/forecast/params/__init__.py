"""Engine, layer 3: the vocabulary a scenario is written in — parameters with their source or
labelled assumption, range and unit (`param`), the checked reader of a TOML table (`table`), and
typed sections (`section`): how a mechanism declares its keys, and how they are read and checked."""
