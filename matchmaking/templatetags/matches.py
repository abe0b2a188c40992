import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matchmaking.matches.filters import MATCH_FITS
from matchmaking.matches.matching import shown_close_sentences
from matchmaking.matches.selectors import fit_is_good, strength
from matchmaking.matches.states import MatchState
from matchmaking.matching import calibration
from matchmaking.templatetags.money import price

register = template.Library()


# Translated when shown, one at a time: a card shows five fits, and building this table for
# each (twenty translations) was a good part of rendering a need's matches.
_REASON_TEXTS = {
    "category_match": gettext_lazy("Same technology category"),
    "category_same_parent": gettext_lazy("Same broad technology category"),
    "category_mismatch": gettext_lazy("A different technology category"),
    "category_unknown": gettext_lazy("Category not stated"),
    "region_served": gettext_lazy("Serves your province"),
    "region_nationwide": gettext_lazy("Serves all provinces"),
    "region_not_served": gettext_lazy("Does not serve your province"),
    "region_unknown": gettext_lazy("Provinces served not stated"),
    "price_within_budget": gettext_lazy("Price within the budget"),
    "price_over_budget": gettext_lazy("Price above the budget"),
    "price_unknown": gettext_lazy("Price or budget negotiable"),
    "price_no_budget": gettext_lazy("No budget given"),
    "trl_ok": gettext_lazy("Mature enough"),
    "trl_below_min": gettext_lazy("Less mature than asked for"),
    "trl_unknown": gettext_lazy("Maturity not stated"),
    "trl_not_required": gettext_lazy("Any maturity accepted"),
    "transfer_mode_match": gettext_lazy("Offers a transfer mode that is accepted"),
    "transfer_mode_mismatch": gettext_lazy("No transfer mode in common"),
    "transfer_mode_unknown": gettext_lazy("Transfer modes not stated"),
    "transfer_mode_any": gettext_lazy("Any transfer mode accepted"),
}


def _reason_text(reason: str, match=None) -> str:
    # Never "over budget" alone: the price it is about stands beside it.
    if (
        reason == "price_over_budget"
        and match is not None
        and getattr(match.result, "asking_price", None) is not None
    ):
        return _("Price above the budget: %(price)s") % {"price": price(match.result)}
    text = _REASON_TEXTS.get(reason)
    return str(text) if text is not None else reason


def fit_state(match, fit: str) -> str:
    """ "good", "bad", or "neutral" (what a side did not state is not a shortcoming)."""
    if fit_is_good(match, fit):
        return "good"
    if match.explanation.get("fits", {}).get(fit, {}).get("known") is False:
        return "neutral"
    return "bad"


@register.simple_tag
def match_fits(match) -> list[dict]:
    """Each structured fit as plain words, and whether it holds. A fit the need did not ask
    about (no budget, any maturity) is not a shortcoming of the result: it is left out."""
    fits = match.explanation.get("fits", {})
    out = []
    for fit in MATCH_FITS:
        if fit not in fits or not fits[fit].get("asked", True):
            continue
        state = fit_state(match, fit)
        out.append(
            {
                "name": fit,
                "good": state == "good",
                "state": state,
                "text": _reason_text(fits[fit].get("reason", ""), match),
            }
        )
    return out


@register.simple_tag
def match_strength(match) -> dict:
    """The match's strength in words (强 / 较好 / 可能) from the calibrated thresholds of its
    method; the percentage is for the details page only."""
    code = strength(match)
    text = {
        calibration.STRONG: _("Strong match"),
        calibration.GOOD: _("Good match"),
        calibration.POSSIBLE: _("Possible match"),
    }[code]
    return {"code": code, "text": text}


@register.filter
def close_sentences(match) -> list[dict]:
    """The result's sentences closest to the need ("意思相近"), when stored and current."""

    return shown_close_sentences(match)


@register.filter
def match_terms(match) -> list[str]:
    return [term for term, _share in match.explanation.get("terms", [])[:6]]


@register.filter
def highlight(text: str, terms) -> str:
    """The text, escaped, with the shared terms marked; `terms` is a list or a match.

    Terms are found in the text as typed and each piece is escaped on its own: searched in the
    escaped text, a term such as "lt" or "quot" would be marked inside an entity (&lt;) and
    break it."""
    if hasattr(terms, "explanation"):
        terms = match_terms(terms)
    text = text or ""
    words = sorted({t for t in terms or [] if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    pieces, last = [], 0
    for found in pattern.finditer(text):
        pieces += [escape(text[last : found.start()]), "<mark>", escape(found.group(0)), "</mark>"]
        last = found.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


@register.filter
def uc(value) -> str:
    """Marks what people wrote (titles, names, notes): shown as written, in whatever language,
    and left out of the check that the interface is all in one language."""
    return format_html("<span data-uc>{}</span>", value)


@register.filter
def percent(score) -> str:
    return f"{round(100 * float(score or 0))}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def tel(phone) -> str:
    """A phone number for a tel: link: digits, and a leading + if there is one."""
    phone = str(phone or "").strip()
    digits = "".join(c for c in phone if c.isdigit())
    return f"+{digits}" if phone.startswith("+") else digits


@register.simple_tag
def event_sentence(event) -> str:
    """One step of a match's history as a sentence: who did what ("张三 请求联系")."""
    who = uc(event.actor) if event.actor else _("The system")
    if event.undoes_id:
        what = _("took the last step back, to “%(state)s”") % {
            "state": event.get_to_state_display()
        }
    elif event.from_state == event.to_state:
        what = _("accepted the contact request")
    else:
        what = {
            MatchState.SHORTLISTED: _("added it to the shortlist"),
            MatchState.SUGGESTED: _("took it off the shortlist"),
            MatchState.CONTACTED: _("requested contact"),
            MatchState.EVALUATING: _("started an evaluation"),
            MatchState.SOLUTION_PROPOSED: _("proposed a solution"),
            MatchState.ON_TRIAL: _("started a trial"),
            MatchState.ADOPTED: _("adopted the technology"),
            MatchState.DECLINED: _("declined"),
            MatchState.WITHDRAWN: _("withdrew"),
        }.get(event.to_state, event.to_state)
    note = event.note.strip()
    if note and note not in ("Contact request accepted.", _("Contact request accepted.")):
        return format_html("{} {}: “{}”", who, what, uc(note))
    return format_html("{} {}", who, what)
