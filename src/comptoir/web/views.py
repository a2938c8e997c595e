"""The home page: what this server is and where to go from here."""

from django.shortcuts import render

from comptoir import __version__
from comptoir.core.registry import registry


def home(request):
    resources = sorted(registry, key=lambda r: (r.module, r.plural))
    return render(request, "web/home.html", {"resources": resources, "version": __version__})
