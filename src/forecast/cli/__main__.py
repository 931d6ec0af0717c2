"""`python -m forecast.cli`: the `forecast` command."""
import sys

from forecast.cli import main

sys.exit(main())
