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


def test_the_pdf_fonts_are_warmed_up_in_every_worker():
    assert warm_up in startup._HOOKS
    warm_up()  # and it runs
