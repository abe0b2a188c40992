"""Loading the committed GB/T 2260 division table (fixtures/regions.json) into Region rows."""

import json
from pathlib import Path

REGIONS_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "regions.json"


def code_prefix(code: str) -> str:
    """The prefix every division code under this one starts with (GB/T 2260): a province's
    first 2 digits, a prefecture's 4, a county's whole 6-digit code. A 2-digit province prefix
    is its own prefix."""
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def load_regions(region_model, path: Path = REGIONS_FILE) -> int:
    """Insert or update every division; safe to run again. Returns the number of rows."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    by_code = {row["code"]: row for row in rows}

    def full_name(row: dict) -> str:
        names = []
        while row is not None:
            # Municipalities repeat their name at prefecture level (北京市 北京市): say it once.
            if not names or names[-1] != row["name"]:
                names.append(row["name"])
            row = by_code.get(row["parent"]) if row["parent"] else None
        return " ".join(reversed(names))

    objects = [
        region_model(
            code=row["code"],
            name=row["name"],
            name_en=row.get("name_en", ""),
            full_name=full_name(row),
            level=row["level"],
            parent_id=row["parent"],
            group=row["group"],
        )
        for row in sorted(rows, key=lambda r: (r["level"], r["code"]))
    ]
    region_model.objects.bulk_create(
        objects,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "name_en", "full_name", "level", "parent", "group"],
    )
    return len(objects)
