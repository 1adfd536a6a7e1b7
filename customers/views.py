from django.http import Http404
from django.views.decorators.http import require_GET

from vouchers.permissions import member_required


@require_GET
@member_required
def customership_create(request, number):
    # "Luo asiakkuus" arrives with the capitation issue.
    raise Http404
