"""gunicorn's settings for PSOP (gunicorn reads ./gunicorn.conf.py from its working directory).

The access log writes the path without its query string (``%(U)s``, not ``%(r)s``): searches carry
names and henkilötunnus. Every line of gunicorn's own loggers also goes through psop.privacy's
filter (Django's loggers have it from settings.LOGGING)."""

import logging

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s"'


def on_starting(server):
    from psop.privacy import MaskHenkilotunnusFilter

    for name in ("gunicorn.access", "gunicorn.error"):
        logging.getLogger(name).addFilter(MaskHenkilotunnusFilter())
