"""The decision letter (palvelusetelipäätös) as a PDF, made with ReportLab (a maintained library,
pure Python with wheels, installed by `make run` and `make test` with the rest): the same content
as the print view's grants/_letter.html, in the same words (the same gettext messages, so the
Swedish letter needs no translations of its own), for a letter that is sent by post or attached to
the client system's decision. The caller sets the customer's language (translation.override)."""

from io import BytesIO

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from core.dates import format_day
from core.money import format_euros, format_quantity
from grants.selectors import LetterPrice
from vouchers.models import Voucher, VoucherContent, VoucherKind


def _day(value) -> str:
    return format_day(value) if value else "–"


def _granted(row: VoucherContent, euros, language: str) -> str:
    parts = []
    if row.quantity is not None:
        period = (" / " + _("kuukausi")) if row.period == VoucherContent.Period.MONTH else f" ({_('koko voimassaoloaika')})"
        parts.append(f"{format_quantity(row.quantity, language)} × {row.content.get_unit_display()}{period}")
    if row.amount is not None:
        parts.append(euros(row.amount))
    return " ".join(parts)


def _value(voucher: Voucher, row: VoucherContent, euros) -> str:
    if voucher.kind == VoucherKind.PURCHASED_SERVICE:
        return _("koko hinta")
    return euros(row.unit_value) if row.unit_value is not None else "–"


def _table(rows: list[list], widths: list[float], numeric_from: int) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def letter_pdf(voucher: Voucher, prices: list[LetterPrice], language: str = "fi") -> bytes:
    """The letter of ``voucher`` (its customer, organiser, service and contents at hand) with the
    approved providers' ``prices`` (grants.selectors.letter_prices), as PDF bytes."""
    euros = lambda value: format_euros(value, language)  # noqa: E731
    styles = getSampleStyleSheet()
    body, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=9, leading=11)
    customer = voucher.customer
    text = lambda value: Paragraph(escape(str(value)), small)  # noqa: E731 (a table cell)
    story = [
        Paragraph(f"<b>{escape(voucher.organiser.name)}</b>", body),
        Spacer(0, 4 * mm),
        Paragraph("<br/>".join(escape(line) for line in [
            f"{customer.first_name} {customer.last_name}", customer.street_address,
            f"{customer.postal_code} {customer.post_office}".strip() or customer.municipality] if line), body),
        Spacer(0, 6 * mm),
        Paragraph(escape(f"{_('Päätöksen numero')}: {voucher.decision_number or '–'} · "
                         f"{_('Päätöksen päivämäärä')}: {_day(voucher.decision_date)}"), small),
        Paragraph(escape(_("Palvelusetelipäätös")), styles["Title"]),
        Paragraph(escape(
            _("Teille on myönnetty ostovoima (%(kind)s) palveluun %(service)s.")
            % {"kind": voucher.get_kind_display(), "service": voucher.service.name} + " "
            + _("Se on voimassa %(start)s–%(end)s.") % {"start": _day(voucher.valid_from), "end": _day(voucher.valid_to)}),
            body),
        Spacer(0, 4 * mm),
        Paragraph(escape(_("Ostovoiman numero")), body),
        Paragraph(f"<b>{escape(voucher.number)}</b>", styles["Title"].clone("number", fontSize=26, leading=30)),
        Paragraph(escape(_("Valitkaa palveluntuottaja alla olevista ja antakaa sille tämä numero. "
                           "Palveluntuottaja tekee numerolla palveluvarauksen.")), body),
        Spacer(0, 4 * mm),
        Paragraph(escape(_("Myönnetty")), styles["Heading2"]),
        _table([[_("Palvelusisältö"), _("Määrä"), _("Setelin arvo / yksikkö")]]
               + [[text(row.content.name), text(_granted(row, euros, language)), _value(voucher, row, euros)]
                  for row in voucher.contents.all()], [70 * mm, 60 * mm, 40 * mm], numeric_from=2),
        Paragraph(escape(_("Hyväksytyt palveluntuottajat")), styles["Heading2"]),
    ]
    if prices:
        story += [
            Paragraph(escape(_("Palveluntuottajien hinnat yksikköä kohden ja arvio omavastuustanne: omavastuu on "
                               "palveluntuottajan hinnan ja setelin arvon erotus.")), body),
            Spacer(0, 2 * mm),
            _table([[_("Palveluntuottaja"), _("Palvelusisältö"), _("Hinta / yksikkö"), _("Setelin arvo / yksikkö"),
                     _("Arvioitu omavastuu / yksikkö")]]
                   + [[text(row.provider), text(f"{row.content} ({row.unit})"), euros(row.price),
                       euros(row.voucher_value) if row.voucher_value is not None else "–",
                       euros(row.own_share) if row.own_share is not None else "–"] for row in prices],
                   [45 * mm, 45 * mm, 25 * mm, 28 * mm, 30 * mm], numeric_from=2),
        ]
    else:
        story.append(Paragraph(escape(_("Palvelulle ei ole tällä hetkellä hyväksyttyjä palveluntuottajia. "
                                        "Ottakaa yhteyttä päätöksen tekijään.")), body))
    if voucher.organiser.support_contact:
        story += [Spacer(0, 4 * mm), Paragraph(escape(_("Lisätietoja: %(contact)s") % {
            "contact": voucher.organiser.support_contact}), body)]
    buffer = BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"{_('Palvelusetelipäätös')} {voucher.number}",
                      author=voucher.organiser.name, leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=20 * mm, bottomMargin=20 * mm).build(story)
    return buffer.getvalue()
