"""Engine, layer 4: what the model knows and how one future runs — each mechanism (pathway) with
its section beside it, in one ordered registry; worker columns; the month's ordered steps; the
event log; the fund as an account; what is owed after the horizon."""
