# gunicorn -c deploy/gunicorn.conf.py config.wsgi
import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = 2
timeout = 60
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then; guards against slow leaks
max_requests_jitter = 200
# The site is loaded once, in the master (config/wsgi.py also imports every view and compiles
# the templates), and each worker is a fork of it. Loaded in each worker, a start cost about
# 7 s of CPU (Django, the matcher's numpy and scikit-learn, the URLs, the templates): under
# load, with max_requests recycling each worker every few minutes, that was CPU the requests
# did not get, and the restarting worker's requests waited. Code changes need a restart,
# not a HUP.
preload_app = True
accesslog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, a worker that exits stops counting in live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def when_ready(server):
    """In the master, once the site is loaded and before any worker is forked."""
    # A connection opened while loading must not be shared by the forks.
    from django.db import connections

    connections.close_all()
    # What loading made lives as long as the workers: out of the collector's sight, a full
    # collection no longer walks it (about 0.2 s each time), and the forks share its pages.
    gc.freeze()
