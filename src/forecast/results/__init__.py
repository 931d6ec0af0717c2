"""Product: forecast results — `forecast run`: one future or N written as the results folder (one
layout, one writer, one reader), the budget view of a folder, terminal tables and the folder's
charts; `run_monte_carlo`, `write_results`, `read_results` for Python."""
