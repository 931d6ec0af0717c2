"""Product: what the forecast rests on — `forecast sensitivity`: Morris screening and Sobol'
indices (SALib) on common random numbers, the noise floor of chance, the drivers the report shows."""
