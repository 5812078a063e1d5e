"""The multi-user web application: FastAPI, server-rendered Jinja2 pages, a JSON API.

`create_app(db_url)` builds it over a store (`jixiao.store`); `jixiao serve` runs it.
"""


def create_app(db_url: str | None = None, store=None):
    from .app import create_app as _create

    return _create(db_url, store)


__all__ = ["create_app"]
