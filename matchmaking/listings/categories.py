"""Seeding the category taxonomy from fixtures/categories.json (admins edit it afterwards)."""

import json
from pathlib import Path

from matchmaking.models import Category

CATEGORIES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "categories.json"


def load_categories(category_model, path: Path = CATEGORIES_FILE) -> int:
    """Create the categories that are missing; never overwrite an admin's edits."""
    created = 0
    for position, top in enumerate(json.loads(path.read_text(encoding="utf-8"))):
        parent, was_created = category_model.objects.get_or_create(
            slug=top["slug"],
            defaults={
                "name": top["name_zh"],
                "name_en": top["name_en"],
                "description": top.get("description_zh", ""),
                "position": position,
            },
        )
        created += was_created
        for child_position, child in enumerate(top.get("children", [])):
            _, was_created = category_model.objects.get_or_create(
                slug=child["slug"],
                defaults={
                    "name": child["name_zh"],
                    "name_en": child["name_en"],
                    "description": child.get("description_zh", ""),
                    "keywords": " ".join(child.get("keywords_zh", [])),
                    "parent": parent,
                    "position": child_position,
                },
            )
            created += was_created
    return created


def category_groups() -> list[tuple]:
    """[(parent, [children…]), …] in the admins' order: for grouped menus (parent › child)."""

    everything = list(Category.objects.order_by("position", "pk"))
    children: dict[int, list] = {}
    for category in everything:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    return [(c, children.get(c.pk, [])) for c in everything if c.parent_id is None]
