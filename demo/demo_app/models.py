"""A tiny library for the per-event cost demo: books and their authors."""

from django.db import models


class Author(models.Model):
    """Someone who wrote books."""

    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class Book(models.Model):
    """A book by one author."""

    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")

    def __str__(self) -> str:
        return self.title

    @property
    def byline(self) -> str:
        """Title and author, as a list shows them: reads the author row if not loaded."""
        return f"{self.title} by {self.author.name}"


def ensure_library(size: int = 10) -> None:
    """Fill an empty library with ``size`` authors, one book each."""
    if Book.objects.exists():
        return
    for number in range(1, size + 1):
        author = Author.objects.create(name=f"Author {number}")
        Book.objects.create(title=f"Book {number}", author=author)
