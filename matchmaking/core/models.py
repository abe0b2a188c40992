"""Form submissions already taken, by the key the browser gave them (issue #16).

A form kept as a draft on the phone may be sent twice: once when the link dropped halfway, again
when it came back. The browser puts a UUID of its own in the form (`client_key`), the same for
every sending of one draft; the first sending creates the object and records the key here, a
later one finds the key and is sent to that object instead of creating a second.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmissionKey(models.Model):
    class Kind(models.TextChoices):
        NEED = "need", _("technology need")
        RESULT = "result", _("research result")
        EVALUATION = "evaluation", _("technology evaluation")
        PLAN = "plan", _("solution plan")
        ADOPTION_COST = "adoption_cost", _("adoption cost")

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.UUIDField(_("client key"))
    # Set in the same transaction as the object is created: a key without one is never seen.
    object_id = models.PositiveBigIntegerField(_("object"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "kind", "key"], name="submission_key_unique_per_author_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"
