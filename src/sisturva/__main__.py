"""`python -m sisturva`."""

import sys

from .entry import main

sys.exit(main())
