"""Product: budget execution — `forecast reforecast`: the rest of the policy re-forecast from what
was actually paid (actual + committed by real people + the simulated rest), against the plan."""
