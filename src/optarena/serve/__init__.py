"""A read-only live view of the store's studies (``optarena serve``): ``server.make_server``."""

from optarena.serve.server import make_server

__all__ = ["make_server"]
