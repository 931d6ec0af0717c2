"""Product: the planner's workbench — `forecast compare`, `sweep` and `optimise` on paired
replications (common random numbers): differences with their errors, deadweight, cost per extra
person, the cheapest setting that reaches a target; their folders and the planner's report."""
