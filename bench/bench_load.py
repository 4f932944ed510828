"""The morning meeting: N people through every page at once, against one `streamlit run` server.

    .venv/bin/python bench/bench_load.py --db big.duckdb                      # 20 sessions, 60 s
    .venv/bin/python bench/bench_load.py --db big.duckdb --sessions 20 --duration 90 --rounds 2
    .venv/bin/python bench/bench_load.py --db big.duckdb --import deals.csv   # an import runs alongside
    .venv/bin/python bench/bench_load.py --db big.duckdb --duration 120 --rounds 10 --import deals.csv
    .venv/bin/python bench/bench_load.py --db big.duckdb --client ws --duration 120 --rounds 10 --import Account.csv

`--client ws` makes each person a websocket session speaking Streamlit's own protocol (bench/load_ws.py:
a rerun per page, the server's messages read until the run finishes, nothing rendered), so twenty of
them cost the machine what twenty real users cost the server, not twenty chromium renderers; the
importer stays one browser. The page time is then the send of the rerun to the run's end.
Starts the app on a loopback port against the database, waits for its warm start, then opens N
headless chromium sessions (one browser, a context each) that each open the app and click through
every page of the sidebar for `--duration` seconds. A page time runs from the click to the moment
the page's script has settled (its heading is the new page's and Streamlit's running indicator is
gone). With `--import FILE` one more session uploads FILE on the Import page and imports it while
the others browse, in every round (DuckDB allows one process per file, so an import alongside the
app goes through the app's own process; importing the same file again upserts, counts never double).

The client is made cheap and fair, so that the browsers do not steal the server's time on a small
machine: once the server runs, this process (and the playwright driver and chromium it starts)
lowers its own priority (`--nice`, default 10), each session is a small viewport (1024×640) with
images off and reduced motion. The server logs every script run itself (TERRAIN_RUN_LOG,
ui/run_log.py): its page time from the run's first line to the page's end, and the CPU of that
run's thread, printed beside the browsers' times. Printed per round: page views, p50 / p95 / max page time, errors (an
exception on the page), timeouts (`--timeout`, 30 s), the server's CPU and peak memory, the
server's CPU per page view — the browsers share the machine's cores with the server, so that is the
figure that holds for real users on their own machines — the server's own time per run (p50 / p95 /
max wall, mean CPU), and, once the sessions have ended, the server's memory against its baseline
after the warm start.

Goal (issue 15, 1M accounts / 6M deals, 20 sessions): no errors or timeouts, p95 ≤ 3 s, server ≤ 4 GB.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
import load_ws  # noqa: E402 — the protocol-level client, beside this file
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--blink-settings=imagesEnabled=false", "--disable-extensions", "--mute-audio", "--disable-smooth-scrolling"]
# A small window and no animations: less for each browser to lay out and paint.
CONTEXT = {"viewport": {"width": 1024, "height": 640}, "locale": "en-US", "reduced_motion": "reduce",
           "service_workers": "block"}
TICKS = os.sysconf("SC_CLK_TCK")
SKIP_PAGES = ("/import",)  # the import session uses it; browsing it alone computes nothing
SKIP = tuple(path.strip("/") for path in SKIP_PAGES)  # the same, as the websocket client names pages
# Settled: the heading is not the one the click left, and no script is running.
SETTLED = """(previous) => {
  const heading = document.querySelector('[data-testid="stMain"] h1');
  return heading && heading.innerText !== previous && !document.querySelector('[data-testid="stStatusWidget"]');
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class Sampler(threading.Thread):
    """Samples the server's resident memory every 0.2 s; `peak` is the highest seen since `reset`."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def reset(self) -> None:
        self.peak = memory_mb(self.pid, "VmRSS")

    def run(self) -> None:
        while self.running:
            try:
                self.peak = max(self.peak, memory_mb(self.pid, "VmRSS"))
            except (FileNotFoundError, ProcessLookupError):
                return
            time.sleep(0.2)


def anonymous_mb(pid: int) -> float:
    """The process's anonymous memory (heap and allocator arenas, not mapped files), in MB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Anonymous:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve(db: str, log: Path | None = None, run_log: Path | None = None,
          app: Path = REPO / "app.py") -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free loopback port against `db` (output to `log`, every script
    run's time to `run_log`, if given); returns the process and its URL once it answers its health check."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=REPO, env={**os.environ, "TERRAIN_DB": db, "TERRAIN_RUN_LOG": str(run_log or "")}, stdout=log.open("w") if log else subprocess.DEVNULL,
        stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        if process.poll() is not None:
            raise SystemExit(f"the app exited with {process.returncode}; see {log or 'its output'}")
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the app did not answer within 3 minutes")


async def _settle(page, previous: str, timeout_ms: float) -> None:
    await page.wait_for_function(SETTLED, arg=previous, timeout=timeout_ms, polling=50)


async def _heading(page) -> str:
    heading = page.locator('[data-testid="stMain"] h1').first
    return await heading.inner_text() if await heading.count() else ""


def _kind(error: Exception) -> str:
    return "timeout" if "Timeout" in type(error).__name__ else "error"


async def browse(browser, url: str, until: float, timeout: float, results: list, number: int) -> None:
    """One person: open the app, then click through the sidebar's pages until `until`. A page that
    fails or times out is recorded, and the person opens the app again."""
    context = await browser.new_context(**CONTEXT)
    page = await context.new_page()
    timeout_ms = timeout * 1000
    hrefs: list[str] = []
    opened = False
    step = number  # sessions start at different pages, as people do
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            if not opened:
                try:
                    await page.goto(url, timeout=timeout_ms)
                    await _settle(page, "", timeout_ms)
                except Exception as error:  # noqa: BLE001 — a timeout is a result here, not a crash
                    results.append(("open", time.perf_counter() - started, _kind(error)))
                    continue
                results.append(("open", time.perf_counter() - started, "ok"))
                opened = True
                if not hrefs:
                    links = page.locator('[data-testid="stSidebarNav"] a')
                    hrefs = [await links.nth(i).get_attribute("href") for i in range(await links.count())]
                    hrefs = [h for h in hrefs if h and not any(h.split("?")[0].endswith(s) for s in SKIP_PAGES)]
                continue
            href = hrefs[step % len(hrefs)]
            step += 1
            if href.split("?")[0].rstrip("/") == page.url.split("?")[0].rstrip("/"):
                continue  # already there: a click would not run anything
            previous = await _heading(page)
            started = time.perf_counter()
            try:
                await page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').first.click(timeout=timeout_ms)
                await _settle(page, previous, timeout_ms)
                failed = await page.locator('[data-testid="stException"]').count()
                results.append((href, time.perf_counter() - started, "error" if failed else "ok"))
            except Exception as error:  # noqa: BLE001
                results.append((href, time.perf_counter() - started, _kind(error)))
                opened = False
    finally:
        await context.close()


async def run_import(browser, url: str, file: Path, timeout: float, results: list) -> None:
    """One more person imports `file` on the Import page while the others browse."""
    context = await browser.new_context(**CONTEXT)
    page = await context.new_page()
    started = time.perf_counter()
    try:
        # one person who waits for their import: the page's first open is not a page view of the others'
        await page.goto(f"{url}/import", timeout=600_000)
        await page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(file), timeout=600_000)
        button = page.get_by_role("button", name="Import", exact=True)
        await button.wait_for(timeout=600_000)
        await page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
                                     timeout=600_000)
        await button.click()
        await page.get_by_text("Imported").first.wait_for(timeout=600_000)
        results.append(("import", time.perf_counter() - started, "ok"))
    except Exception as error:  # noqa: BLE001
        results.append(("import", time.perf_counter() - started, f"error: {error}".splitlines()[0][:120]))
    finally:
        await context.close()


async def one_round(url: str, sessions: int, duration: float, timeout: float, file: Path | None,
                    client: str = "browser") -> tuple[list, list]:
    """One round: `sessions` people browsing (chromium pages, or websocket sessions with
    `client="ws"`) and, with `file`, one more importing it in a browser alongside."""
    results: list = []
    imports: list = []
    until = time.perf_counter() + duration
    if client == "ws" and file is None:
        await asyncio.gather(*(load_ws.browse(url, until, timeout, results, n, SKIP) for n in range(sessions)))
        return results, imports
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if client == "ws":
            tasks = [load_ws.browse(url, until, timeout, results, n, SKIP) for n in range(sessions)]
        else:
            tasks = [browse(browser, url, until, timeout, results, n) for n in range(sessions)]
        if file is not None:
            tasks.append(run_import(browser, url, file, timeout, imports))
        await asyncio.gather(*tasks)
        await browser.close()
    return results, imports


def first_page(url: str, client: str) -> float:
    """Seconds until the first page of a fresh server has settled (it waits for the warm start's data)."""
    opened = time.perf_counter()
    if client == "ws":
        async def once() -> None:
            person = load_ws.WsPerson(url)
            try:
                await asyncio.wait_for(person.open(), 600)
            finally:
                await person.close()

        asyncio.run(once())
        return time.perf_counter() - opened
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        opened = time.perf_counter()
        page.goto(url, timeout=600_000)
        page.wait_for_function(SETTLED, arg="", timeout=600_000, polling=100)
        first = time.perf_counter() - opened
        browser.close()
    return first


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] if ordered else float("nan")


def server_runs(run_log: Path, since: float, until: float) -> list[tuple[str, float, float, float | None]]:
    """(page, wall ms, CPU ms, ms waiting for a core or None) of every script run the server logged
    between two epoch times (ui/run_log.py)."""
    runs = []
    if not run_log.exists():
        return runs
    for line in run_log.read_text(encoding="utf-8").splitlines():
        at, page, wall, cpu, _, *queued = line.split("\t")
        if since <= float(at) <= until:
            runs.append((page, float(wall), float(cpu), float(queued[0]) if queued and queued[0] else None))
    return runs


def report_server(runs: list[tuple[str, float, float]]) -> bool:
    """The server's own time per run (ui/run_log.py): what real users on their own machines get."""
    if not runs:
        print("  server's own time: no runs logged")
        return True
    walls = [w / 1000 for _, w, _, _ in runs]
    cpu = statistics.mean(c for _, _, c, _ in runs)
    print(f"  server's own time per run ({len(runs)} runs): p50 {statistics.median(walls):.2f} s, "
          f"p95 {percentile(walls, 0.95):.2f} s, max {max(walls):.2f} s; script thread CPU {cpu:.0f} ms mean")
    queued = [q for *_, q in runs if q is not None]
    if queued:  # where a run's wall went: on a core, ready but without one, or not runnable at all
        wall = statistics.mean(w for _, w, _, _ in runs)
        waiting = statistics.mean(queued)
        print(f"    a run's {wall:.0f} ms mean wall: {cpu:.0f} ms on a core, {waiting:.0f} ms ready but waiting for "
              f"a core (the machine's other processes), {max(wall - cpu - waiting, 0):.0f} ms not runnable "
              f"(the GIL, locks, another session's result)")
    by_page: dict[str, list[float]] = {}
    for page, wall, _, _ in runs:
        by_page.setdefault(page, []).append(wall / 1000)
    print("    " + ", ".join(f"{name} p50 {statistics.median(v):.2f} / p95 {percentile(v, 0.95):.2f} s"
                             for name, v in sorted(by_page.items())))
    return percentile(walls, 0.95) <= 3.0


def report(number: int, results: list, imports: list, cpu: float, peak: float, wall: float) -> bool:
    views = [r for r in results if r[0] != "open"]
    times = [seconds for _, seconds, kind in views if kind == "ok"]
    errors = sum(1 for *_, kind in results if kind == "error")
    timeouts = sum(1 for *_, kind in results if kind == "timeout")
    p50, p95, worst = (statistics.median(times) if times else float("nan")), percentile(times, 0.95), max(times, default=float("nan"))
    served = len(results)
    print(f"round {number}: {len(views)} page views + {served - len(views)} first opens in {wall:.0f} s; "
          f"page time p50 {p50:.2f} s, p95 {p95:.2f} s, max {worst:.2f} s; errors {errors}, timeouts {timeouts}")
    print(f"  server: CPU {cpu:.1f} s ({cpu / wall * 100:.0f}% of one core), {cpu / max(served, 1) * 1000:.0f} ms CPU "
          f"per page view; peak memory {peak:,.0f} MB")
    by_page: dict[str, list[float]] = {}
    for href, seconds, kind in views:
        if kind == "ok":
            path = urllib.parse.urlsplit(href).path.strip("/").rsplit("/", 1)[-1]
            by_page.setdefault(path if path not in ("", "home") else "overview", []).append(seconds)
    print("  " + ", ".join(f"{name} p50 {statistics.median(v):.2f} s / p95 {percentile(v, 0.95):.2f} s"
                           for name, v in sorted(by_page.items())))
    for _, seconds, kind in imports:
        print(f"  import alongside: {kind} in {seconds:.1f} s")
    return errors == 0 and timeouts == 0 and p95 <= 3.0 and peak <= 4096


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the database the server reads")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60, help="seconds each round browses")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a page load counts as timed out")
    parser.add_argument("--import", dest="import_file", type=Path,
                        help="a CRM export to import alongside, on the Import page, in every round")
    parser.add_argument("--settle", type=float, nargs="+", default=[130],
                        help="seconds after the last round at which the memory is read again, e.g. 130 700 "
                             "(disconnected sessions are kept 120 s, idle memo entries TERRAIN_MEMO_IDLE_MINUTES; "
                             "0 = do not wait)")
    parser.add_argument("--client", choices=("browser", "ws"), default="browser",
                        help="browser: headless chromium pages; ws: Streamlit's websocket protocol, nothing rendered")
    parser.add_argument("--nice", type=int, default=10,
                        help="how much lower the browsers' priority is than the server's (0 = the same)")
    args = parser.parse_args()
    if args.import_file is not None and not args.import_file.exists():
        parser.error(f"--import {args.import_file}: no such file")
    log = Path("/tmp") / f"bench_load_server_{os.getpid()}.log"
    run_log = Path("/tmp") / f"bench_load_runs_{os.getpid()}.log"
    run_log.unlink(missing_ok=True)
    started = time.perf_counter()
    process, url = serve(str(Path(args.db).resolve()), log, run_log)
    if args.nice:
        os.nice(args.nice)  # the server keeps its priority; this process, the driver and chromium yield to it
    sampler = Sampler(process.pid)
    sampler.start()
    ok = True
    try:
        # The first request starts the warm start; the page waits for it, so this is the cold start.
        first = first_page(url, args.client)
        # The warm start goes on computing the other pages' figures in the background: wait until
        # the server idles, so the sessions measure serving, not warming.
        idle_since = time.perf_counter()
        while time.perf_counter() - idle_since < 600:
            before = cpu_seconds(process.pid)
            time.sleep(2)
            if cpu_seconds(process.pid) - before < 0.2:
                break
        warmed = time.perf_counter() - started
        baseline = memory_mb(process.pid, "VmRSS")
        print(f"server {url} on {args.db}: up and first page in {time.perf_counter() - started:.1f} s "
              f"(first page {first:.1f} s), warm start done at {warmed:.0f} s; baseline memory {baseline:,.0f} MB; "
              f"{args.sessions} {args.client} sessions × {args.duration:.0f} s × {args.rounds} round(s)", flush=True)
        for number in range(1, args.rounds + 1):
            sampler.reset()
            cpu_before, wall, since = cpu_seconds(process.pid), time.perf_counter(), time.time()
            results, imports = asyncio.run(one_round(url, args.sessions, args.duration, args.timeout,
                                                     args.import_file, args.client))
            wall = time.perf_counter() - wall
            ok &= report(number, results, imports, cpu_seconds(process.pid) - cpu_before, sampler.peak, wall)
            report_server(server_runs(run_log, since, time.time()))
            time.sleep(2)
            print(f"  after the sessions: {memory_mb(process.pid, 'VmRSS'):,.0f} MB (baseline {baseline:,.0f} MB)",
                  flush=True)
        ended = time.perf_counter()
        for settle in sorted(s for s in args.settle if s > 0):
            # A disconnected session's state (a planner's plan on its data version, widgets, uploads) is
            # kept for Streamlit's server.disconnectedSessionTTL (120 s) in case its tab reconnects;
            # the memo's idle entries go after TERRAIN_MEMO_IDLE_MINUTES (ui/memory_sweep.py).
            time.sleep(max(0.0, settle - (time.perf_counter() - ended)))
            print(f"after {settle:.0f} s without sessions: {memory_mb(process.pid, 'VmRSS'):,.0f} MB "
                  f"(anonymous {anonymous_mb(process.pid):,.0f} MB; baseline {baseline:,.0f} MB)", flush=True)
        print(f"server peak over the run (VmHWM) {memory_mb(process.pid, 'VmHWM'):,.0f} MB; "
              f"goal: no errors or timeouts, p95 ≤ 3 s, ≤ 4 GB — {'met' if ok else 'NOT met'}")
    finally:
        sampler.running = False
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
