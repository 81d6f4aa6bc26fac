from __future__ import annotations

import sys

from floorwatch.cli import main

sys.exit(main())
