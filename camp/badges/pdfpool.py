"""Render HTML chunks to PDF, in worker processes for big runs, and merge them in order.

A worker is a plain `python -I camp/badges/pdfpool.py STATIC_DIR` process: it reads the path
of a chunk's HTML file per line on stdin, writes the PDF beside it, and answers with one
line ("ok <peak MB>" or "error <message>"). Plain subprocesses, not multiprocessing:
they are safe to start from a thread of a threaded server and never re-import the
caller's main module. Nothing here needs the Flask app.
"""
from __future__ import annotations

import io
import os
import resource
import selectors
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator


class ChunkFailed(RuntimeError):
    pass


def static_only_fetcher(static_dir: str):
    from weasyprint.urls import URLFetcher

    static = os.path.realpath(static_dir)

    class StaticOnlyFetcher(URLFetcher):
        """User text can never make the server fetch a URL: only data: and static files."""

        def fetch(self, url, *args, **kwargs):
            if url.startswith("data:"):
                return super().fetch(url, *args, **kwargs)
            if url.startswith("file://"):
                path = os.path.realpath(url[len("file://"):])
                if path.startswith(static + os.sep):
                    return super().fetch(url, *args, **kwargs)
            raise ValueError(f"refused to fetch {url[:80]}")

    return StaticOnlyFetcher()


def render_chunk(html: str, static_dir: str) -> bytes:
    from weasyprint import HTML
    base = "file://" + os.path.realpath(static_dir) + "/"
    fetcher = static_only_fetcher(static_dir)
    return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf()


def _peak_mb() -> float:
    """This process's own peak memory since it started its program.

    VmHWM, not ru_maxrss: Linux carries the high-water mark of the process image that
    was replaced by exec into ru_maxrss, so a worker started from a big server process
    would report the server's size as its own.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_main(static_dir: str) -> None:
    """The worker's loop: one chunk per line until stdin closes."""
    import gc
    import warnings
    warnings.simplefilter("ignore")
    import weasyprint  # noqa: F401  (imported before the first chunk arrives)
    for line in sys.stdin:
        path = line.strip()
        if not path:
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                pdf = render_chunk(fh.read(), static_dir)
            with open(path + ".pdf", "wb") as fh:
                fh.write(pdf)
            del pdf
            gc.collect()  # keeps the worker's peak flat over many chunks
            answer = f"ok {_peak_mb():.1f}"
        except Exception as exc:  # reported to the parent, which fails the run
            answer = "error " + f"{type(exc).__name__}: {exc}".replace("\n", " ")[:300]
        sys.stdout.write(answer + "\n")
        sys.stdout.flush()


class _Worker:
    def __init__(self, static_dir: str):
        # -I: isolated; the worker imports WeasyPrint and this file, nothing of the app.
        self.proc = subprocess.Popen(
            [sys.executable, "-I", os.path.abspath(__file__), static_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.chunk: int | None = None
        self.path = ""
        self.peak = 0.0

    def give(self, index: int, path: str) -> None:
        self.chunk, self.path = index, path
        self.proc.stdin.write(path + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream and not stream.closed:
                stream.close()


def _render_in_workers(chunks: Iterator[str], static_dir: str, workers: int, tmp: str,
                       merge: Callable[[int, bytes], None], stats: dict | None) -> None:
    """Feed chunks to the workers as they free up, merging finished ones in order.

    The chunks are produced lazily here (their QR codes and HTML), while the workers
    start up and render, so this process's share overlaps with theirs.
    """
    pool = [_Worker(static_dir) for _ in range(workers)]
    sel = selectors.DefaultSelector()
    ready: list[tuple[int, str]] = []  # chunks written to disk, not yet given out
    finished: dict[int, bytes] = {}
    produced = next_merge = 0
    exhausted = False

    def produce() -> None:
        nonlocal produced, exhausted
        html = next(chunks, None)
        if html is None:
            exhausted = True
            return
        path = os.path.join(tmp, f"chunk-{produced:05d}.html")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(html)
        ready.append((produced, path))
        produced += 1

    def dispatch() -> None:
        for w in pool:
            if w.chunk is None and ready:
                w.give(*ready.pop(0))

    try:
        for w in pool:
            sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        while not (exhausted and next_merge == produced):
            if not exhausted and len(ready) < workers:
                produce()
                dispatch()
                timeout = 0  # only look for finished chunks, then produce the next
            else:
                timeout = None
            for key, _ in sel.select(timeout):
                w: _Worker = key.data
                answer = w.proc.stdout.readline().strip()
                if not answer.startswith("ok"):
                    raise ChunkFailed(answer[6:] if answer else "a badge worker stopped")
                w.peak = max(w.peak, float(answer.split()[1]))
                with open(w.path + ".pdf", "rb") as fh:
                    finished[w.chunk] = fh.read()
                w.chunk = None
                dispatch()
                while next_merge in finished:  # in order, while the workers go on
                    merge(next_merge, finished.pop(next_merge))
                    next_merge += 1
    finally:
        sel.close()
        for w in pool:
            w.close()
    if stats is not None:
        stats["worker_peaks_mb"] = sorted((w.peak for w in pool), reverse=True)


def render_chunks(chunks: Iterable[str], static_dir: str, workers: int,
                  on_chunk: Callable[[int], None] | None = None,
                  stats: dict | None = None) -> bytes:
    """Every chunk's PDF, in order, merged into one document.

    workers <= 1 renders in this process (still chunk by chunk); otherwise `workers`
    processes render while this one merges what is finished. `on_chunk(i)` is called as
    chunk i is merged; `stats["worker_peaks_mb"]` receives each worker's peak memory.
    """
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()

    def merge(i: int, pdf: bytes) -> None:
        writer.append(PdfReader(io.BytesIO(pdf)))
        if on_chunk is not None:
            on_chunk(i)

    if workers <= 1:
        for i, html in enumerate(chunks):
            merge(i, render_chunk(html, static_dir))
    else:
        with tempfile.TemporaryDirectory(prefix="samskab-badges-") as tmp:
            _render_in_workers(iter(chunks), static_dir, workers, tmp, merge, stats)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


if __name__ == "__main__":
    worker_main(sys.argv[1])
