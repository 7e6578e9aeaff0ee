"""Pages of outcome reports, mounted under /c/<convener_slug>/."""

from django.urls import path

app_name = "reports"
urlpatterns: list = []
