"""The national code lists, and how plugins extend them with local codes."""

from __future__ import annotations

import re

import pytest
from hypothesis import find

from atbalsts import UnknownNameError
from atbalsts.codes import (
    CODE_LISTS,
    CODE_PATTERN,
    INSTITUTIONS,
    MEASURES,
    RISK_FACTORS,
    RISK_GROUPS,
    ROLES,
    Code,
    CodeList,
)
from atbalsts.model import RiskGroup
from atbalsts.testing import strategies as ats

LISTS = sorted(CODE_LISTS.items())
LIST_IDS = [name for name, _ in LISTS]


def test_code_lists_registry_names_the_national_lists() -> None:
    core = {
        "risk_groups": RISK_GROUPS,
        "risk_factors": RISK_FACTORS,
        "measures": MEASURES,
        "roles": ROLES,
        "institutions": INSTITUTIONS,
    }
    assert {name: CODE_LISTS[name] for name in core} == core
    assert all(isinstance(codes, CodeList) for codes in CODE_LISTS.values())
    names = [codes.name for codes in CODE_LISTS.values()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(("name", "codes"), LISTS, ids=LIST_IDS)
def test_every_code_is_unique_and_national(name: str, codes: CodeList) -> None:
    listed = [entry.code for entry in codes]
    assert len(listed) == len(set(listed)) == len(codes) > 0
    assert list(codes.codes()) == listed
    for code in listed:
        assert re.fullmatch(CODE_PATTERN, code), code
        assert ":" not in code  # national codes have no namespace
        assert codes[code].namespace == ""
        assert code in codes


@pytest.mark.parametrize(("name", "codes"), LISTS, ids=LIST_IDS)
def test_every_code_has_latvian_and_english_labels(name: str, codes: CodeList) -> None:
    for entry in codes:
        assert entry.lv.strip(), entry.code
        assert entry.en.strip(), entry.code
        assert entry.lv == entry.lv.strip(), entry.code
        assert entry.en == entry.en.strip(), entry.code
        assert entry.label("lv") == entry.lv == codes.label(entry.code, "lv")
        assert entry.label("en") == entry.en == codes.label(entry.code, "en")


def test_latvian_labels_are_latvian() -> None:
    # A cheap guard against lists where both labels were filled in English.
    every = [entry for codes in CODE_LISTS.values() for entry in codes]
    same = [entry.code for entry in every if entry.lv == entry.en]
    assert same == []
    assert sum(bool(re.search("[āčēģīķļņšūž]", e.lv.lower())) for e in every) > len(every) / 2


def test_every_risk_factor_belongs_to_a_risk_group() -> None:
    for factor in RISK_FACTORS:
        assert factor.group is not None, factor.code
        assert factor.group in RISK_GROUPS, factor.code
    assert {factor.group for factor in RISK_FACTORS} == set(RISK_GROUPS.codes())


def test_risk_groups_match_the_model_enum() -> None:
    assert list(RISK_GROUPS.codes()) == [group.value for group in RiskGroup]


def test_compensated_measures_are_tagged() -> None:
    compensated = MEASURES.tagged("compensation")
    assert {"transport_compensation", "meals_compensation", "lodging_compensation"} <= compensated
    assert "mentor_support" not in compensated
    assert MEASURES.tagged("no_such_tag") == frozenset()


def test_both_child_protection_institutions_stay_listed() -> None:
    # Records from before 2024 name VBTAI; later ones the Children's Protection Centre.
    assert "vbtai" in INSTITUTIONS
    assert "childrens_protection_centre" in INSTITUTIONS


def test_unknown_code_lookup_raises_unknown_name_error() -> None:
    with pytest.raises(UnknownNameError) as info:
        MEASURES["free_pony"]
    assert isinstance(info.value, LookupError)
    assert info.value.name == "free_pony"
    assert "mentor_support" in info.value.known
    assert "unknown measure code 'free_pony'" in str(info.value)


def test_label_of_an_unknown_code_is_the_code() -> None:
    assert MEASURES.label("bauska:summer_camp", "lv") == "bauska:summer_camp"


@pytest.mark.parametrize("code", ["Mentor", "mentor support", "1st", "", "bauska:", "a:b:c"])
def test_code_refuses_malformed_codes(code: str) -> None:
    with pytest.raises(ValueError, match="does not match"):
        Code(code, "lv", "en")


def test_code_list_of_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="duplicate code 'a'"):
        CodeList.of("demo", [Code("a", "A", "A"), Code("a", "B", "B")])


CAMP = Code("bauska:summer_camp", "Vasaras nometne", "Summer camp", tags=frozenset({"local"}))


def test_extended_adds_namespaced_local_codes_without_touching_the_original() -> None:
    before = MEASURES.codes()
    extended = MEASURES.extended([CAMP], "bauska")

    assert extended.codes() == (*before, "bauska:summer_camp")
    assert extended["bauska:summer_camp"] is CAMP
    assert extended["bauska:summer_camp"].namespace == "bauska"
    assert extended.label("bauska:summer_camp", "en") == "Summer camp"
    assert extended.tagged("local") == {"bauska:summer_camp"}
    assert extended.name == MEASURES.name
    # The national list is immutable and unchanged.
    assert MEASURES.codes() == before
    assert "bauska:summer_camp" not in MEASURES


@pytest.mark.parametrize(
    "code",
    [
        Code("summer_camp", "Nometne", "Camp"),  # no namespace
        Code("ogre:summer_camp", "Nometne", "Camp"),  # another plugin's namespace
    ],
)
def test_extended_refuses_codes_outside_the_namespace(code: Code) -> None:
    with pytest.raises(ValueError, match="must be namespaced 'bauska:'"):
        MEASURES.extended([code], "bauska")


def test_extended_refuses_duplicate_local_codes() -> None:
    with pytest.raises(ValueError, match="'bauska:summer_camp' is declared twice"):
        MEASURES.extended([CAMP, CAMP], "bauska")
    once = MEASURES.extended([CAMP], "bauska")
    with pytest.raises(ValueError, match="declared twice"):
        once.extended([CAMP], "bauska")


def test_codes_strategy_draws_national_and_local_codes() -> None:
    drawn = ats.codes(MEASURES, namespace="bauska")
    local = find(drawn, lambda code: ":" in code)
    assert local.startswith("bauska:")
    assert re.fullmatch(CODE_PATTERN, local)
    assert find(drawn, lambda code: ":" not in code) in MEASURES
