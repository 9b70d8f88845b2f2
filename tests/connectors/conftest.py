"""The publishers' site on 127.0.0.1 (``publisher_site``) for the tests here."""

from tests.connectors.publisher_server import publisher_site

__all__ = ["publisher_site"]
