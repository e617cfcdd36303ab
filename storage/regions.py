"""Which of Kazakhstan's regions a shared location lies in, from boundaries Kuager ships.

A witness who shares a Telegram location instead of pressing a region button leaves a case with
coordinates and no region, and a count by region would miss it. The boundaries of the 17 regions
and the 3 cities of republican significance (Astana, Almaty, Shymkent) as they are since June
2022 (Abai, Jetisu and Ulytau new) are in `data/kz_regions.json`, simplified to about 1 km;
the file says where they come from and under which licence (docs/regions.md). No network: the
case must not leave the reviewer's machine to be placed on a map.

Region codes are those of the place question's buttons (`almaty_region`, `abai`, ...), so a
region found from coordinates reads exactly like one a witness chose, in every language.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Ring = Sequence[tuple[float, float]]
"""(longitude, latitude) corners; the last joins the first."""


@dataclass(frozen=True)
class Area:
    """One polygon of a region: its outline and holes, and the box around them."""

    code: str
    rings: tuple[Ring, ...]
    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float) -> bool:
        if not (self.west <= lon <= self.east and self.south <= lat <= self.north):
            return False
        # Even-odd over every ring: a point inside the outline and inside a hole is outside.
        return sum(_crossings(ring, lon, lat) for ring in self.rings) % 2 == 1


def _crossings(ring: Ring, lon: float, lat: float) -> int:
    """How many edges of `ring` a ray from the point due east crosses (ray casting)."""
    count = 0
    x1, y1 = ring[-1]
    for x2, y2 in ring:
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            count += 1
        x1, y1 = x2, y2
    return count


@cache
def areas() -> tuple[Area, ...]:
    """Every polygon of the shipped boundaries, read once per process.

    A city of republican significance is a hole in the region around it (Almaty in Almaty
    Region, Astana in Akmola), so every point of Kazakhstan lies in exactly one area."""
    text = resources.files("storage").joinpath("data/kz_regions.json").read_text("utf-8")
    found: list[Area] = []
    for region in json.loads(text)["regions"]:
        for polygon in region["polygons"]:
            rings = tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
            xs = [x for x, _ in rings[0]]
            ys = [y for _, y in rings[0]]
            found.append(Area(region["code"], rings, min(xs), min(ys), max(xs), max(ys)))
    return tuple(found)


def region_codes() -> tuple[str, ...]:
    """The 20 region codes the boundaries cover."""
    return tuple(sorted({area.code for area in areas()}))


def region_of(lat: float, lon: float) -> str | None:
    """The region code of a point, or None outside Kazakhstan (or not a point on Earth)."""
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90):
        return None
    return next((area.code for area in areas() if area.contains(lon, lat)), None)


def region_of_place(place: Any) -> str | None:
    """The region of a place answer (docs/FORMAT.md): the one chosen, else the one its
    coordinates lie in; None when neither says (skipped, "don't know", a forged shape)."""
    if not isinstance(place, Mapping):
        return None
    chosen = place.get("region")
    if isinstance(chosen, str) and chosen:
        return chosen
    lat, lon = _number(place.get("lat")), _number(place.get("lon"))
    return region_of(lat, lon) if lat is not None and lon is not None else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
