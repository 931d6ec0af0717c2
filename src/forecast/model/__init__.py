"""Engine, layer 4: one simulated future — worker columns, the month's ordered steps, one module
per pathway, the event log, the fund as an account, what is owed after the horizon."""
