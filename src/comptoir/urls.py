from django.contrib import admin
from django.urls import include, path

from comptoir.web.views import home

urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("", include("comptoir.api.urls")),
]

handler404 = "comptoir.api.views.not_found"
handler500 = "comptoir.api.views.server_error"
