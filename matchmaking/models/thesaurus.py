from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.audit import AuditTrail


class ThesaurusKind(models.TextChoices):
    PRODUCE = "produce", _("Local produce name")
    COLLOQUIAL = "colloquial", _("Colloquial")
    DIALECT = "dialect", _("Dialect")
    ABBREVIATION = "abbreviation", _("Abbreviation")
    ENGLISH = "english", _("English term")
    TYPO = "typo", _("Common typo")
    SYNONYM = "synonym", _("Synonym")
    BLOCK = "block", _("Never expand (switch an entry off)")


class ThesaurusEntry(models.Model):
    """An admin's entry on top of the shipped thesaurus file; it wins over the file's entry."""

    term = models.CharField(_("term as people write it"), max_length=50, unique=True)
    canonical = models.CharField(
        _("canonical terms"),
        max_length=200,
        blank=True,
        help_text=_("Separated by spaces, e.g. 马铃薯 土豆. Leave empty for “never expand”."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ThesaurusKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = AuditTrail(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("thesaurus entry")
        verbose_name_plural = _("thesaurus entries")
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from matchmaking.matching import Thesaurus, ThesaurusError

        try:
            Thesaurus.from_rows([(self.term, self.canonical or "-", self.kind)], source="admin")
        except ThesaurusError as error:
            raise ValidationError(
                {"canonical": "; ".join(m for _line, m in error.errors)}
            ) from error
