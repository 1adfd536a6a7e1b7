"""The voucher card's grants slot (templates/grants/_voucher_grant.html): the decision's actions and
the history (Muutoshistoria), for the voucher's own organiser only; nothing for anyone else."""

from dataclasses import dataclass

from django import template
from django.utils.translation import gettext_lazy

from grants.models import CloseReason, VoucherChange
from grants.selectors import voucher_history
from organisations import permissions
from vouchers.models import VoucherContent

register = template.Library()

# How the history's ``changes`` rows name what changed (grants.services._change).
FIELDS = {
    "valid": gettext_lazy("voimassa"),
    "quantity": gettext_lazy("määrä"),
    "amount": gettext_lazy("euromäärä"),
    "unit_value": gettext_lazy("setelin arvo / yksikkö"),
    "period": gettext_lazy("jakso"),
    "added": gettext_lazy("lisätty"),
    "removed": gettext_lazy("poistettu"),
    "closed_on": gettext_lazy("sulkemispäivä"),
}
PERIODS = dict(VoucherContent.Period.choices)


def describe(change: dict) -> str:
    """One row of a history entry, as people read it: "Kotihoidon tunti: määrä 10 → 15"."""
    field = change.get("field", "")
    label = str(FIELDS.get(field, field))
    old, new = change.get("old"), change.get("new")
    if field == "period":
        old, new = PERIODS.get(old, old), PERIODS.get(new, new)
    if field == "removed":
        text = label
    elif field == "added" or old in (None, ""):
        text = f"{label} {new}"
    else:
        text = f"{label} {old} → {new}"
    content = change.get("content")
    return f"{content}: {text}" if content else text[:1].upper() + text[1:]


@dataclass
class HistoryRow:
    change: VoucherChange
    why: str
    what: list[str]


@dataclass
class GrantPanel:
    can_change: bool
    can_close: bool
    history: list[HistoryRow]


@register.simple_tag(takes_context=True)
def voucher_grant_panel(context, voucher):
    """None unless the signed-in user is staff of the voucher's organiser."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not permissions.is_voucher_organiser(user, voucher):
        return None
    rows = []
    for change in voucher_history(voucher):
        why = change.reason
        if change.kind == VoucherChange.Kind.CLOSED:
            reason = CloseReason(change.close_reason).label if change.close_reason in CloseReason.values else ""
            why = f"{reason}: {change.reason}" if change.reason else str(reason)
        rows.append(HistoryRow(change=change, why=why, what=[describe(c) for c in change.changes or []]))
    open_ = voucher.closed_on is None
    return GrantPanel(can_change=open_, can_close=open_ and permissions.can_close_voucher(user, voucher),
                      history=rows)
