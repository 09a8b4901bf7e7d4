"""Demo URLs: the LiveViews, and the toolbar (which also serves the panel's endpoints)."""

from django.urls import include, path

from demo_app import books, embedded, signup, ticker, views

urlpatterns = [
    path("", views.index, name="index"),
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("todos/", views.TodosView.as_view(), name="todos"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("signup/", signup.SignupView.as_view(), name="signup"),
    path("big/", views.BigView.as_view(), name="big"),
    path("components/", views.ComponentsView.as_view(), name="components"),
    path("async/", views.AsyncView.as_view(), name="async"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("books/", books.BooksView.as_view(), name="books"),
    path("ticker/", ticker.TickerView.as_view(), name="ticker"),
    path("shop/", embedded.ShopView.as_view(), name="shop"),
    path("__debug__/", include("debug_toolbar.urls")),
]
