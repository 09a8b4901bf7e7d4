"""A paged book list whose template walks a queryset: an N+1 in the render, and its fix.

The usual djust list page: the handlers only change the page number, and the
template gets a lazy queryset (a property, so it stays out of the recorded
state). The template shows each book's byline, which reads the book's author:
one more query per row, run while the page re-renders, not in the handler.
The fix button switches to ``select_related``.
"""

from djust import LiveView
from djust.decorators import event_handler

from demo_app.models import Book, ensure_library

PAGE_SIZE = 4


class BooksView(LiveView):
    """Books, a page at a time, with each book's author looked up by the template."""

    template_name = "demo_app/books.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        ensure_library()
        self.page = 1
        self.fixed = False

    @property
    def object_list(self):
        """This page's books, evaluated when the template walks them."""
        books = Book.objects.order_by("id")
        if self.fixed:
            books = books.select_related("author")
        start = (self.page - 1) * PAGE_SIZE
        return books[start : start + PAGE_SIZE]

    @event_handler()
    def next_page(self, **kwargs):
        self.page += 1

    @event_handler()
    def previous_page(self, **kwargs):
        self.page = max(1, self.page - 1)

    @event_handler()
    def fix_queries(self, **kwargs):
        self.fixed = True
