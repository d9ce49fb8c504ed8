"""Lotse's URLs and `/bench/bare/`: the least a Django view can do (one query, no
sign-in, no template), as the measure of the client file's throughput. Only the
benchmark's application server (lotse.demo.bench_settings) serves it."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from lotse.organisations.models import Office
from lotse.urls import urlpatterns as lotse_urlpatterns


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(str(Office.objects.values_list("pk", flat=True).first()))


urlpatterns = [path("bench/bare/", bare), *lotse_urlpatterns]
