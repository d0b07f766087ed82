"""Plugin loading: entry points filtered by the allow- and block-lists, in-process plugins,
duplicate names, plugins that declare nothing, local codes."""

from __future__ import annotations

import pytest

from atbalsts import PolicyError, hookimpl
from atbalsts.codes import Code
from atbalsts.engine import ENV_ALLOW, ENV_BLOCK, PolicyRegistry, load_plugins
from atbalsts.policy import DecisionKind, Facts, Finding, Params, PolicyRegistrar, Rule, rule

from .fixtures import (
    AS_OF,
    BAUSKA_RULES,
    FakeDist,
    FakeEntryPoint,
    FixturePlugin,
    fake_entry_points,
    make_case,
    registry,
    source,
    trace_ids,
)


def finding_rule(rule_id: str) -> Rule:
    @rule(rule_id, kind=DecisionKind.RISK_FINDING, legal_basis=BAUSKA_RULES)
    def always(f: Facts, p: Params) -> Finding:
        return Finding("lack_of_motivation")

    return always


def installed(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeEntryPoint]:
    """Three installed plugins: Bauska, Cēsis and one that cannot be imported."""
    eps = {
        "bauska": FakeEntryPoint(
            "bauska",
            FixturePlugin("bauska", municipality="bauska", rules=[finding_rule("bauska.risk.x")]),
        ),
        "cesis": FakeEntryPoint("cesis", FixturePlugin("cesis", municipality="cesis")),
        "ghost": FakeEntryPoint("ghost", error=ImportError("No module named 'atbalsts_ghost'")),
    }
    fake_entry_points(monkeypatch, *eps.values())
    return eps


def names(reg: PolicyRegistry) -> list[str]:
    return [p.name for p in reg.policies]


# --- entry points and the environment ---


def test_every_installed_plugin_is_loaded_and_a_broken_one_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    eps = installed(monkeypatch)
    reg = registry(entry_points=True, env={})

    assert names(reg) == ["bauska", "cesis", "lv"]
    assert [(f.plugin, f.stage) for f in reg.failures] == [("ghost", "import")]
    assert all(ep.loads == 1 for ep in eps.values())
    assert reg.blocked == ()


def test_entry_points_take_their_distribution_into_the_stamp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plugin = FixturePlugin("bauska", municipality="bauska")
    fake_entry_points(
        monkeypatch, FakeEntryPoint("bauska", plugin, dist=FakeDist("atbalsts-bauska", "2.3.1"))
    )
    decision = registry(entry_points=True, env={}).evaluate(make_case(), AS_OF)
    stamp = {p.name: (p.distribution, p.version) for p in decision.policy.plugins}
    assert stamp["bauska"] == ("atbalsts-bauska", "2.3.1")
    assert stamp["lv"][0] == "atbalsts"


def test_an_entry_point_without_a_distribution_is_named_by_its_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ep = FakeEntryPoint("bauska", FixturePlugin("bauska", municipality="bauska"))
    ep.dist = None  # type: ignore[assignment]
    ep.value = "atbalsts_bauska.plugin:Plugin"
    fake_entry_points(monkeypatch, ep)
    (info,) = [p for p in registry(entry_points=True, env={}).policies if p.name == "bauska"]
    assert (info.distribution, info.version) == ("atbalsts_bauska", "0")


def test_the_allow_list_loads_only_the_named_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = installed(monkeypatch)
    extra = FixturePlugin("extra")
    reg = registry(extra, entry_points=True, env={ENV_ALLOW: " bauska , "})

    assert names(reg) == ["bauska", "extra", "lv"]  # in-process plugins are not filtered
    assert reg.failures == ()
    assert (eps["cesis"].loads, eps["ghost"].loads) == (0, 0)


def test_the_allow_list_is_read_from_the_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed(monkeypatch)
    monkeypatch.setenv(ENV_ALLOW, "cesis")
    monkeypatch.delenv(ENV_BLOCK, raising=False)
    assert names(registry(entry_points=True)) == ["cesis", "lv"]


def test_the_block_list_keeps_plugins_out(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = installed(monkeypatch)
    reg = registry(entry_points=True, env={ENV_BLOCK: "ghost,cesis"})

    assert names(reg) == ["bauska", "lv"]
    assert reg.failures == ()
    assert reg.blocked == ("cesis", "ghost")
    assert (eps["cesis"].loads, eps["ghost"].loads) == (0, 0)


def test_the_block_list_wins_over_the_allow_list(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch)
    reg = registry(entry_points=True, env={ENV_ALLOW: "bauska,cesis", ENV_BLOCK: "cesis"})
    assert names(reg) == ["bauska", "lv"]


def test_block_keeps_plugins_out(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = installed(monkeypatch)
    reg = registry(FixturePlugin("extra"), entry_points=True, env={}, block=["ghost", "extra"])
    assert names(reg) == ["bauska", "cesis", "lv"]
    assert reg.failures == ()
    assert reg.blocked == ("extra", "ghost")
    assert eps["ghost"].loads == 0


def test_a_blocked_municipality_falls_back_to_the_national_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed(monkeypatch)
    reg = registry(entry_points=True, env={ENV_BLOCK: "bauska"})
    decision = reg.evaluate(make_case(municipality="bauska"), AS_OF)
    assert [p.name for p in decision.policy.plugins] == ["lv"]
    assert "bauska.risk.x" not in trace_ids(decision)


def test_entry_points_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    eps = installed(monkeypatch)
    assert names(registry(entry_points=False, env={})) == ["lv"]
    assert all(ep.loads == 0 for ep in eps.values())


# --- names ---


def test_two_in_process_plugins_with_the_same_name_are_refused() -> None:
    with pytest.raises(PolicyError, match="'bauska'") as caught:
        registry(
            source(FixturePlugin("bauska"), distribution="atbalsts-bauska"),
            source(FixturePlugin("bauska"), distribution="atbalsts-bauska-fork"),
        )
    assert "atbalsts-bauska-fork" in str(caught.value)


def test_an_entry_point_named_like_an_in_process_plugin_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed(monkeypatch)
    with pytest.raises(PolicyError, match="two plugins are named 'cesis'"):
        registry(FixturePlugin("cesis"), entry_points=True, env={})


def test_a_plugin_may_not_call_itself_national() -> None:
    with pytest.raises(PolicyError, match="'lv'"):
        registry(source(FixturePlugin("lv"), "lv"))


def test_an_entry_point_named_like_the_national_baseline_is_refused_not_fatal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An installed package cannot take every municipality down by naming its entry point
    ``lv``: it is never imported, its failure is recorded, the baseline and the others load."""
    impostor = FakeEntryPoint(
        "lv", FixturePlugin("lv", municipality="bauska"), dist=FakeDist("atbalsts-lv-fork", "9")
    )
    fake_entry_points(monkeypatch, impostor, FakeEntryPoint("cesis", FixturePlugin("cesis")))
    reg = registry(entry_points=True, env={})

    assert impostor.loads == 0
    (failure,) = reg.failures
    assert (failure.plugin, failure.stage) == ("lv", "import")
    assert "atbalsts-lv-fork" in failure.error
    assert [p.name for p in reg.policies] == ["cesis", "lv"]
    decision = reg.evaluate(make_case(unjustified_lessons=25), AS_OF)
    assert decision.complete is False
    assert "lv.absence.inform_board" in trace_ids(decision)
    (national,) = [p for p in decision.policy.plugins if p.name == "lv"]
    assert national.distribution == "atbalsts"


# --- plugins that declare nothing, or too much ---


def test_a_plugin_that_declares_no_policy_is_a_register_failure() -> None:
    quiet = FixturePlugin("quiet", rules=[finding_rule("quiet.risk.x")], declare=False)
    reg = registry(quiet)

    (failure,) = reg.failures
    assert (failure.plugin, failure.stage) == ("quiet", "register")
    assert "declared no policy" in failure.error
    assert names(reg) == ["lv"]
    decision = reg.evaluate(make_case(), AS_OF)
    assert decision.complete is False
    assert "quiet.risk.x" not in trace_ids(decision)


class NoHooks:
    """An object with no hook at all (e.g. the wrong module named in an entry point)."""


class Misspelt:
    @hookimpl
    def atbalsts_register_polcy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("misspelt", title="Misspelt")


@pytest.mark.parametrize("plugin", [NoHooks(), Misspelt()], ids=["no-hooks", "misspelt-hook"])
def test_a_plugin_without_the_policy_hook_is_a_register_failure(plugin: object) -> None:
    reg = registry(source(plugin, "odd"))
    assert [(f.plugin, f.stage) for f in reg.failures] == [("odd", "register")]
    assert "declared no policy" in reg.failures[0].error


class DeclaresTwice:
    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("twice", title="Once")
        registrar.policy("twice", title="Twice")


class BadHookSignature:
    @hookimpl
    def atbalsts_register_policy(self, reg: PolicyRegistrar) -> None:
        reg.policy("badsig", title="Bad signature")


class NotARule:
    @hookimpl
    def atbalsts_register_policy(self, registrar: PolicyRegistrar) -> None:
        registrar.policy("notarule", title="Not a rule")
        registrar.rules(["notarule.risk.x"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("plugin", "error"),
    [
        (DeclaresTwice(), "declared its policy twice"),
        (NotARule(), "not a Rule"),
    ],
    ids=["twice", "not-a-rule"],
)
def test_a_plugin_that_declares_badly_is_a_register_failure(plugin: object, error: str) -> None:
    reg = registry(
        source(plugin, "odd"), FixturePlugin("fine", rules=[finding_rule("fine.risk.x")])
    )
    (failure,) = reg.failures
    assert (failure.plugin, failure.stage) == ("odd", "register")
    assert error in failure.error
    assert names(reg) == ["fine", "lv"]


def test_a_hook_with_the_wrong_signature_is_a_register_failure() -> None:
    reg = registry(
        source(BadHookSignature(), "badsig"),
        FixturePlugin("fine", rules=[finding_rule("fine.risk.x")]),
    )
    (failure,) = reg.failures
    assert (failure.plugin, failure.stage) == ("badsig", "register")
    assert names(reg) == ["fine", "lv"]


# --- local codes ---


SUMMER_CAMP = Code("bauska:summer_camp", "Vasaras nometne", "Summer camp")


def test_local_codes_join_only_the_sets_that_include_the_plugin() -> None:
    reg = registry(
        FixturePlugin("bauska", municipality="bauska", codes={"measures": [SUMMER_CAMP]})
    )
    assert "bauska:summer_camp" in reg.policy_set("bauska").codes["measures"]
    assert "bauska:summer_camp" not in reg.policy_set("cesis").codes["measures"]
    assert "inform_parents" in reg.policy_set("cesis").codes["actions"]  # national actions


@pytest.mark.parametrize("code", ["cesis:summer_camp", "summer_camp"])
def test_a_local_code_outside_the_plugins_namespace_is_refused(code: str) -> None:
    wrong = Code(code, "Vasaras nometne", "Summer camp")
    reg = registry(FixturePlugin("bauska", municipality="bauska", codes={"measures": [wrong]}))
    with pytest.raises(PolicyError, match=f"'{code}'.*'bauska:'"):
        reg.policy_set("bauska")
    reg.policy_set("cesis")  # the refusal concerns only the sets with the plugin


def test_an_unknown_code_list_is_a_register_failure() -> None:
    reg = registry(FixturePlugin("bauska", municipality="bauska", codes={"colours": [SUMMER_CAMP]}))
    assert [(f.plugin, f.stage) for f in reg.failures] == [("bauska", "register")]
    assert "colours" in reg.failures[0].error


def test_load_plugins_reports_declarations_by_name() -> None:
    loaded = load_plugins(
        [source(FixturePlugin("zeta")), source(FixturePlugin("alpha", rules=[]))],
        entry_points=False,
    )
    assert [d.info.name for d in loaded.declarations] == ["alpha", "lv", "zeta"]
    national = next(d for d in loaded.declarations if d.info.name == "lv")
    assert national.info.national is True
    assert not any(d.info.national for d in loaded.declarations if d.info.name != "lv")
