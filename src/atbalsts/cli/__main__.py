"""``python -m atbalsts.cli``: the ``atbalsts`` command."""

from __future__ import annotations

import sys

from atbalsts.cli import main

sys.exit(main())
