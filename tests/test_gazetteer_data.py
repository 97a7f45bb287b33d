"""The country gazetteer as data: read straight from the JSON lines (no Redis, no spaCy model)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

COUNTRIES = (
    Path(__file__).resolve().parent.parent / "services" / "extract" / "data" / "countries.jsonl"
)
KINDS = ("names", "demonyms", "capitals", "institutions")

# The 193 UN member states.
UN_MEMBERS = frozenset(
    re.findall(
        r"[A-Z]{3}",
        """
    AFG ALB DZA AND AGO ATG ARG ARM AUS AUT AZE BHS BHR BGD BRB BLR BEL BLZ BEN BTN BOL BIH BWA
    BRA BRN BGR BFA BDI CPV KHM CMR CAN CAF TCD CHL CHN COL COM COG CRI CIV HRV CUB CYP CZE PRK
    COD DNK DJI DMA DOM ECU EGY SLV GNQ ERI EST SWZ ETH FJI FIN FRA GAB GMB GEO DEU GHA GRC GRD
    GTM GIN GNB GUY HTI HND HUN ISL IND IDN IRN IRQ IRL ISR ITA JAM JPN JOR KAZ KEN KIR KWT KGZ
    LAO LVA LBN LSO LBR LBY LIE LTU LUX MDG MWI MYS MDV MLI MLT MHL MRT MUS MEX FSM MCO MNG MNE
    MAR MOZ MMR NAM NRU NPL NLD NZL NIC NER NGA MKD NOR OMN PAK PLW PAN PNG PRY PER PHL POL PRT
    QAT KOR MDA ROU RUS RWA KNA LCA VCT WSM SMR STP SAU SEN SRB SYC SLE SGP SVK SVN SLB SOM ZAF
    SSD ESP LKA SDN SUR SWE CHE SYR TJK THA TLS TGO TON TTO TUN TUR TKM TUV UGA UKR ARE GBR TZA
    USA URY UZB VUT VEN VNM YEM ZMB ZWE
    """,
    )
)
OTHERS = frozenset({"XKX", "PSE", "TWN", "VAT", "ESH"})


def _rows() -> list[dict[str, Any]]:
    lines = [line for line in COUNTRIES.read_text("utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return _rows()


@pytest.fixture(scope="module")
def alias_map(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Every alias (as matched, with the "The X" variant of "the X") -> the ISO3 codes it names."""
    found: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for kind in KINDS:
            for alias in row.get(kind, []):
                found[alias].add(row["iso3"])
                if alias.startswith("the "):
                    found["The " + alias[4:]].add(row["iso3"])
    return found


def test_every_line_parses() -> None:
    for number, line in enumerate(COUNTRIES.read_text("utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            assert isinstance(row, dict), number
            assert set(row) == {"iso3", *KINDS}, number
            for kind in KINDS:
                assert isinstance(row[kind], list), (number, kind)
                assert all(isinstance(a, str) for a in row[kind]), (number, kind)


def test_iso3_codes_unique_and_well_formed(rows: list[dict[str, Any]]) -> None:
    codes = [row["iso3"] for row in rows]
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes), codes
    assert len(codes) == len(set(codes))


def test_aliases_are_clean(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        aliases = [a for kind in KINDS for a in row[kind]]
        assert all(a and a == a.strip() and "  " not in a for a in aliases), row["iso3"]
        # One alias in two kinds of one row would give two equal-length spans.
        assert len(aliases) == len(set(aliases)), row["iso3"]
        assert row["names"], row["iso3"]


def test_no_alias_names_two_countries(alias_map: dict[str, set[str]]) -> None:
    clashes = {alias: sorted(codes) for alias, codes in alias_map.items() if len(codes) > 1}
    assert clashes == {}


def test_capitals_unique_case_insensitively(rows: list[dict[str, Any]]) -> None:
    # The extractor keys capitals by their lowercased spelling.
    owner: dict[str, str] = {}
    for row in rows:
        for capital in row["capitals"]:
            assert owner.setdefault(capital.lower(), row["iso3"]) == row["iso3"], capital


def test_covers_the_world(rows: list[dict[str, Any]]) -> None:
    codes = {row["iso3"] for row in rows}
    assert len(UN_MEMBERS) == 193
    assert len(codes) >= 190
    assert codes >= UN_MEMBERS, sorted(UN_MEMBERS - codes)
    assert codes >= OTHERS, sorted(OTHERS - codes)


@pytest.mark.parametrize(
    ("alias", "iso3"),
    [
        ("Eritrea", "ERI"),
        ("Eritreans", "ERI"),
        ("Kosovo", "XKX"),
        ("Kosovar", "XKX"),
        ("Georgetown", "GUY"),
        ("Guyanese", "GUY"),
        ("Türkiye", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("the Pentagon", "USA"),
        ("The Pentagon", "USA"),
        ("the State Department", "USA"),
        ("DR Congo", "COD"),
        ("DRC", "COD"),
        ("Congo-Kinshasa", "COD"),
        ("Congo", "COD"),  # as the wires write it; the other one is "Republic of (the) Congo"
        ("Republic of the Congo", "COG"),
        ("Congo-Brazzaville", "COG"),
        ("Czechia", "CZE"),
        ("Czech Republic", "CZE"),
        ("Burma", "MMR"),
        ("Tatmadaw", "MMR"),
        ("Eswatini", "SWZ"),
        ("Swaziland", "SWZ"),
        ("North Macedonia", "MKD"),
        ("East Timor", "TLS"),
        ("Timor-Leste", "TLS"),
        ("Emirati", "ARE"),
        ("Chad", "TCD"),
        ("Guinea", "GIN"),
        ("Guinea-Bissau", "GNB"),
        ("Equatorial Guinea", "GNQ"),
        ("Papua New Guinea", "PNG"),
        ("Dominica", "DMA"),
        ("Dominican Republic", "DOM"),
        ("Holy See", "VAT"),
        ("Western Sahara", "ESH"),
        ("Palestine", "PSE"),
        ("Downing Street", "GBR"),
        ("Whitehall", "GBR"),
        ("the Elysee", "FRA"),
        ("the Élysée", "FRA"),
        ("the Knesset", "ISR"),
        ("IDF", "ISR"),
        ("IRGC", "IRN"),
        ("Revolutionary Guards", "IRN"),
        ("People's Liberation Army", "CHN"),
        ("Zhongnanhai", "CHN"),
        ("Bundestag", "DEU"),
        ("Verkhovna Rada", "UKR"),
        # Regions whose country is beyond dispute, where troops are sent and drills held.
        ("Luzon", "PHL"),
        ("Mindanao", "PHL"),
        ("Tigray", "ETH"),
        ("Okinawa", "JPN"),
        ("DRDO", "IND"),
    ],
)
def test_spot_checks(alias_map: dict[str, set[str]], alias: str, iso3: str) -> None:
    assert alias_map.get(alias) == {iso3}


@pytest.mark.parametrize(
    "alias",
    # Common words, person names or other places that must not stand alone for a country.
    ["Victoria", "Kingston", "Male", "Majlis", "Macedonia", "San Jose", "Moroni"],
)
def test_ambiguous_aliases_left_out(alias_map: dict[str, set[str]], alias: str) -> None:
    assert alias not in alias_map
