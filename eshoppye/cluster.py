"""The Dask cluster a batch runs on: a new :class:`~distributed.LocalCluster` (worker processes of
one thread, a memory limit each) or an existing scheduler, started and closed around a run with
dask's own log lines kept from the user; no cluster at all when neither is asked.
Dask is imported only inside the functions that use it.
"""

from __future__ import annotations

from eshoppye.errors import EshoppyeError


def parse_memory(value: str | None) -> int | None:
    """``"2GB"`` -> bytes (dask's notation); None stays None."""
    if value in (None, "", "auto"):
        return None
    from dask.utils import parse_bytes

    try:
        return int(parse_bytes(str(value)))
    except (ValueError, TypeError):
        raise EshoppyeError(f"mémoire par worker illisible: {value!r} (exemple: 2GB)") from None


class Cluster:
    """A dask client on a new :class:`~distributed.LocalCluster` (``workers`` processes, one thread
    each, ``memory_limit`` per worker) or on an existing scheduler; ``None`` for both: no cluster."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 memory_limit: str | None = "2GB"):
        self.workers, self.scheduler, self.memory_limit = workers, scheduler, memory_limit
        self.client = self.cluster = None
        self._log_level = 0

    def __enter__(self):
        if not self.workers and not self.scheduler:
            return self
        import logging

        from distributed import Client, LocalCluster

        # dask's own log lines (task errors, slow event loop, worker restarts, closing) are not for
        # the user: failures come back as named partitions and end in one French line
        self._log_level = logging.getLogger("distributed").level
        logging.getLogger("distributed").setLevel(logging.CRITICAL)

        if self.scheduler:
            try:
                self.client = Client(self.scheduler, timeout="30s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise EshoppyeError(f"planificateur Dask injoignable: {self.scheduler} ({exc})") from None
        else:
            if self.workers < 1:
                raise EshoppyeError("--workers doit être au moins 1")
            limit = parse_memory(self.memory_limit)
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        memory_limit=limit if limit else "auto", dashboard_address=None,
                                        silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster)
        return self

    def memory_limits(self) -> dict[str, float]:
        """Memory limit of each worker in MB (0: none), by worker address."""
        if self.client is None:
            return {}
        try:
            info = self.client.scheduler_info(n_workers=-1)["workers"]
        except TypeError:  # older distributed: every worker is listed
            info = self.client.scheduler_info()["workers"]
        return {addr: (w.get("memory_limit") or 0) / 1e6 for addr, w in info.items()}

    def __exit__(self, *exc):
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        if self.client is not None or self.cluster is not None:
            import logging

            logging.getLogger("distributed").setLevel(self._log_level)
        return False
