"""scriptcheck: a compliance linter for debt-collection call scripts written as Jinja templates."""

__version__ = "0.1.0"
