"""Maksatus: the organiser's monthly payment runs. Organiser users only; for anyone else the
pages do not exist (404), and someone else's run is a 404 too."""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from core.charts import monthly_bar_chart
from core.dates import today
from core.errors import DomainError
from core.htmx import render_page, wants_fragment
from core.replica import replica_reads
from events.models import EventStatus
from organisations import permissions
from payments import exports, services
from payments.forms import RunActionForm, RunStartForm
from payments.models import PaymentRun
from payments.selectors import paid_per_month, run_lines, run_payments, runs_for_user

RUNS_PER_PAGE = 24
LINES_PER_PAGE = 100
# The state in which an irreversible action is offered, and so asked about before it is done.
CONFIRMED_IN = {"hyvaksy": PaymentRun.Status.READY, "maksettu": PaymentRun.Status.APPROVED}


def _run_or_404(user, run_id) -> PaymentRun:
    run = runs_for_user(user).filter(pk=run_id).first()
    if run is None:
        raise Http404
    return run


def _detail_page(request, run, *, form=None, notice="", error="", confirm=""):
    page = Paginator(run_lines(run), LINES_PER_PAGE).get_page(request.GET.get("sivu"))
    context = {
        "run": run,
        "payments": run_payments(run),
        "page": page,
        "form": form or RunActionForm(),
        "notice": notice,
        "error": error,
        "confirm": confirm,
        "stuck": services.is_stuck(run),
        "worker_gone": services.is_worker_gone(run),
        "has_settled_events": run.status == PaymentRun.Status.APPROVED
        and run_lines(run).filter(event__status=EventStatus.SETTLED).exists(),
    }
    return render_page(request, "payments/detail.html", context)


def _list_page(request, *, form):
    page = Paginator(runs_for_user(request.user), RUNS_PER_PAGE).get_page(request.GET.get("sivu"))
    chart = monthly_bar_chart(paid_per_month(request.user, day=today()))
    return render_page(request, "payments/list.html", {"form": form, "page": page, "chart": chart})


@require_http_methods(["GET", "POST"])
@permissions.payment_runs_required
def run_list(request):
    """The organiser's runs, newest month first, the last 12 months' totals as a chart, and the
    form that starts a month's run."""
    last_month = today().replace(day=1) - dt.timedelta(days=1)
    form = RunStartForm(request.POST or None, initial={"kuukausi": f"{last_month:%Y-%m}"})
    if request.method == "POST" and form.is_valid():
        try:
            run = services.payment_run_start(user=request.user, month=form.cleaned_data["kuukausi"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            label = f"{run.month.month}/{run.month.year}"
            if run.just_started:
                notice = _("Maksatus %(month)s käynnistetty; se lasketaan taustalla.") % {"month": label}
            else:
                notice = _("Kuukauden %(month)s maksatus on jo tehty; tässä se on.") % {"month": label}
            if wants_fragment(request, "panel"):
                run = _run_or_404(request.user, run.pk)
                response = _detail_page(request, run, notice=notice)
                response["HX-Push-Url"] = reverse("payments:detail", args=[run.pk])
                return response
            messages.success(request, notice)
            return redirect("payments:detail", run_id=run.pk)
    return _list_page(request, form=form)


@require_http_methods(["GET", "POST"])
@permissions.payment_runs_required
@replica_reads
def run_detail(request, run_id):
    """A run: its status and progress, per-provider totals, its lines, exports and approval."""
    run = _run_or_404(request.user, run_id)
    if request.method == "GET":
        return _detail_page(request, run)
    form = RunActionForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, run, form=form, error=_("Tuntematon toiminto."))
    action = form.cleaned_data["toiminto"]
    if form.needs_confirmation() and run.status == CONFIRMED_IN[action]:
        # Asked first; in any other state the service refuses with its own message below.
        return _detail_page(request, run, confirm=action)
    try:
        if action == "uudelleen":
            services.payment_run_restart(user=request.user, run=run)
            notice = _("Maksatus käynnistetty uudelleen; se lasketaan taustalla.")
        elif action == "hyvaksy":
            services.payment_run_approve(user=request.user, run=run)
            notice = _("Maksatus hyväksytty. Sen tapahtumia ei voi enää muuttaa; korjaus tehdään hyvityksellä.")
        else:
            count = services.payment_run_mark_paid(user=request.user, run=run)
            notice = ngettext(
                "%(count)s tapahtuma merkitty maksetuksi.", "%(count)s tapahtumaa merkitty maksetuiksi.", count
            ) % {"count": count}
    except DomainError as error:
        return _detail_page(request, _run_or_404(request.user, run_id), error=error.message)
    if wants_fragment(request, "panel"):
        return _detail_page(request, _run_or_404(request.user, run_id), notice=notice)
    messages.success(request, notice)
    return redirect("payments:detail", run_id=run_id)


@require_GET
@permissions.payment_runs_required
@replica_reads
def run_export_csv(request, run_id):
    return exports.csv_response(_run_or_404(request.user, run_id))


@require_GET
@permissions.payment_runs_required
@replica_reads
def run_export_xlsx(request, run_id):
    return exports.xlsx_response(_run_or_404(request.user, run_id))
