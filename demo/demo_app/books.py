"""A paged book list whose template walks a queryset: an N+1 in the render, and its fix.

The usual djust list page: the handlers only change the page number, and
``get_context_data`` hands the template a lazy queryset. The template follows
each book's author, so every row costs one more query, run while the page
re-renders, not in the handler. The fix button switches to ``select_related``.
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
        self._load()

    def _load(self):
        books = Book.objects.order_by("id")
        if self.fixed:
            books = books.select_related("author")
        start = (self.page - 1) * PAGE_SIZE
        self.object_list = books[start : start + PAGE_SIZE]

    @event_handler()
    def next_page(self, **kwargs):
        self.page += 1
        self._load()

    @event_handler()
    def previous_page(self, **kwargs):
        self.page = max(1, self.page - 1)
        self._load()

    @event_handler()
    def fix_queries(self, **kwargs):
        self.fixed = True
        self._load()
