"""A page with an embedded LiveView: a shop page and a cart widget in ``{% live_render %}``.

The cart is a LiveView of its own, with its own time-travel buffer; djust routes
its events to it (``view_id``) and re-renders only it. It is ``sticky``, so the
same instance lives on while its parent re-renders (a non-sticky child is mounted
again on every render of its parent).
"""

from djust import LiveView
from djust.decorators import event_handler


class ShopView(LiveView):
    """The parent page: a product list that can be filtered."""

    template_name = "demo_app/shop.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.only_in_stock = False

    @event_handler()
    def toggle_stock(self, **kwargs):
        self.only_in_stock = not self.only_in_stock


class CartView(LiveView):
    """The embedded cart: items added, and their count."""

    template_name = "demo_app/cart.html"
    time_travel_enabled = True
    login_required = False
    sticky = True
    sticky_id = "cart"

    def mount(self, request, **kwargs):
        self.items = []

    @event_handler()
    def add_item(self, item: str = "", **kwargs):
        self.items = [*self.items, item]

    @event_handler()
    def clear(self, **kwargs):
        self.items = []
