"""The note a command gives when no installed policy governs the municipality asked for."""

from __future__ import annotations

import pytest
from tests.test_conformance import NAME, Plugin, good_plugin, load


def test_the_cli_names_a_plugin_that_failed_to_load_where_its_municipality_is_asked_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``rules``/``params``/``evaluate --municipality proba`` said only that no policy governs
    ``proba`` when its plugin was installed and failed to load (an outside tester's parameter
    of the wrong type); the note now names the plugin and where to read why."""
    from atbalsts.cli._i18n import texts
    from atbalsts.cli._policies import warn_unknown_municipality

    registry = load(Plugin(fail=RuntimeError("boom")))
    warn_unknown_municipality(registry, NAME, texts("en"))
    err = capsys.readouterr().err
    assert f"no installed policy governs municipality '{NAME}'" in err
    assert f"installed but not loaded: {NAME}; `atbalsts policies` says why" in err
    warn_unknown_municipality(load(good_plugin()), "nowhere", texts("en"))
    assert "not loaded" not in capsys.readouterr().err
