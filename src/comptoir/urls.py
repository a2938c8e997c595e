from django.contrib import admin
from django.urls import include, path

from comptoir.web.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("comptoir.api.urls")),
]
