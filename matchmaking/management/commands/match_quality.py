"""Print the matcher's quality from the site's history (definitions: matchmaking/match_quality)."""

from django.core.management.base import BaseCommand

from matchmaking.matches.quality import match_quality_report


def _f(value) -> str:
    return "—" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "MRR and Recall@10 of the results enterprises shortlisted, declines by reason, per month "
        "and province, and the first page's precision per matcher."
    )

    def handle(self, *args, **options):
        report = match_quality_report()
        out = self.stdout
        out.write("month    province      needs judged   MRR  R@10  declines by reason")
        for row in [*report.rows, report.total]:
            declines = ", ".join(f"{k} {v:.0%}" for k, v in row.declines.items()) or "—"
            label = f"{row.month or 'all':8} {row.province or 'all':10}"
            out.write(
                f"{label} {row.needs:7d} {row.judged:6d} {_f(row.mrr):>5} "
                f"{_f(row.recall_at_10):>5}  {declines}"
            )
        out.write("")
        out.write("matcher (first proposed the pair)            first page  relevant  precision")
        for m in report.matchers:
            out.write(f"{m.matcher:44} {m.first_page:10d} {m.relevant:9d}  {_f(m.precision)}")
