"""Worker warm-ups run once per worker and never keep it from serving."""

from comptoir.core import startup
from comptoir.sales.documents.pdf import warm_up


def test_warm_ups_run_and_a_failing_one_is_skipped(monkeypatch, caplog):
    calls = []
    monkeypatch.setattr(startup, "_HOOKS", [])
    startup.on_worker_start(lambda: calls.append("a"))

    def broken():
        raise RuntimeError("no fonts")

    startup.on_worker_start(broken)
    startup.on_worker_start(lambda: calls.append("c"))
    startup.run_worker_start()
    assert calls == ["a", "c"]
    assert "no fonts" in caplog.text


def test_weasyprint_is_not_loaded_in_every_worker():
    # ~35 MB per worker for the rare PDF request: loaded on the first document instead.
    assert warm_up not in startup._HOOKS
    warm_up()  # still usable by a process that prints many documents
