"""Demo URLs: the LiveViews, and the toolbar (which also serves the panel's endpoints)."""

from django.urls import include, path

from demo_app import views

urlpatterns = [
    path("", views.index, name="index"),
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("__debug__/", include("debug_toolbar.urls")),
]
