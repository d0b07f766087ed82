"""``python -m atbalsts.stats``: the same as ``atbalsts stats``."""

from __future__ import annotations

import sys

from atbalsts.stats import main

sys.exit(main())
