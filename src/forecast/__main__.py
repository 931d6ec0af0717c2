"""`python -m forecast`: the `forecast` command."""
import sys

from forecast.cli import main

sys.exit(main())
