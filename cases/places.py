"""Places like mine: what the gazetteer says of a county, and how alike two places are.

Pure functions and constants, no queries: a county's type comes from its official
name, its macro-region from its province's code (the National Bureau of
Statistics' four regions), distances from the coordinates that
``scripts/build_regions.py`` writes into ``fixtures/regions.json``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class CountyKind(models.TextChoices):
    DISTRICT = "district", _("市辖区")
    COUNTY = "county", _("县")
    CITY = "city", _("县级市")
    AUTONOMOUS_COUNTY = "autonomous-county", _("自治县")
    BANNER = "banner", _("旗")
    AUTONOMOUS_BANNER = "autonomous-banner", _("自治旗")
    FORESTRY = "forestry", _("林区")
    SPECIAL = "special", _("特区")
    OTHER = "other", _("其他")


# The official name's ending says the type; the longer endings first (自治县 before 县).
ENDINGS = [
    ("自治县", CountyKind.AUTONOMOUS_COUNTY),
    ("自治旗", CountyKind.AUTONOMOUS_BANNER),
    ("特区", CountyKind.SPECIAL),
    ("旗", CountyKind.BANNER),
    ("区", CountyKind.DISTRICT),
    ("市", CountyKind.CITY),
    ("县", CountyKind.COUNTY),
]


def county_kind(name: str, code: str = "") -> str:
    """The type of a county-level place from its official name and code (群岛, 行政委员会: other).

    A 林区 is a place governed by its province directly (code xx90xx, 神农架林区); 碑林区 and
    金林区 are districts whose names end in 林."""
    if name.endswith("林区") and code[2:4] == "90":
        return CountyKind.FORESTRY.value
    for ending, kind in ENDINGS:
        if name.endswith(ending):
            return kind.value
    return CountyKind.OTHER.value


class MacroRegion(models.TextChoices):
    EAST = "east", _("东部")
    CENTRAL = "central", _("中部")
    WEST = "west", _("西部")
    NORTHEAST = "northeast", _("东北")


# The NBS partition by province (first two digits of the GB/T 2260 code); Hong Kong, Macao
# and Taiwan are in none of the four.
PROVINCES_BY_MACRO_REGION = {
    MacroRegion.EAST: ("11", "12", "13", "31", "32", "33", "35", "37", "44", "46"),
    MacroRegion.CENTRAL: ("14", "34", "36", "41", "42", "43"),
    MacroRegion.WEST: ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"),
    MacroRegion.NORTHEAST: ("21", "22", "23"),
}
MACRO_REGION_OF = {
    prefix: region.value for region, prefixes in PROVINCES_BY_MACRO_REGION.items() for prefix in prefixes
}


def macro_region(code: str | None) -> str:
    return MACRO_REGION_OF.get((code or "")[:2], "")


def province_codes(region: str) -> list[str]:
    """The provinces' codes of a macro-region, for a filter on ``province``."""
    return [prefix + "0000" for prefix in PROVINCES_BY_MACRO_REGION.get(region, ())]


class Terrain(models.TextChoices):
    PLAIN = "plain", _("平原")
    HILLS = "hills", _("丘陵")
    MOUNTAIN = "mountain", _("山区")
    PLATEAU = "plateau", _("高原")
    PASTORAL = "pastoral", _("牧区")
    ISLAND = "island", _("海岛")


EARTH_RADIUS_KM = 6371.0


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (longitude, latitude) points; None if either is unknown."""
    if a is None or b is None:
        return None
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# How alike a case's place is to mine: each shared trait adds its points.  Terrain weighs most, as
# a mountain county cannot copy a plain county; it is the case's (stated in its text), not the place's.
POINTS = {"terrain": 2, "kind": 1, "macro_region": 1, 300: 1, 100: 1}


NEAR_KM = (300, 100)  # "nearby" and "very near": each adds a point


def box(point: tuple[float, float], km: float = NEAR_KM[0]) -> tuple[tuple[float, float], tuple[float, float]]:
    """((lon min, lon max), (lat min, lat max)) around a point, a little larger than ``km``
    either way: the places worth measuring, found by the database."""
    lon, lat = point
    dlat = km / 111.0 * 1.05
    dlon = dlat / max(0.2, math.cos(math.radians(lat)))
    return (lon - dlon, lon + dlon), (lat - dlat, lat + dlat)


def nearby(point: tuple[float, float], places: Iterable[tuple[str, float, float]]) -> dict[int, list[str]]:
    """Codes of the places within each of NEAR_KM of a point: {300: [...], 100: [...]};
    ``places``: (code, longitude, latitude)."""
    out: dict[int, list[str]] = {km: [] for km in NEAR_KM}
    for code, lon, lat in places:
        km = distance_km(point, (lon, lat))
        for limit in NEAR_KM:
            if km <= limit:
                out[limit].append(code)
    return out
