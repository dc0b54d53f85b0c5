"""Benchmark: the training service over HTTP on loopback, under a bounded load generator.

The server is a real uvicorn process (``uvicorn service.app:create_app --factory``, httptools
and uvloop, ``--workers`` processes) on 127.0.0.1; the load generator is an asyncio httpx
client in this process with a fixed number of requests in flight (``--concurrency``): a
closed loop, each connection sends its next request when the previous answer is in.

1. VIN checks: ``POST /api/v1/check/vin`` with one VIN a request and the registry searched
   (1,000,000 mock records in the default SQLite registry, bulk-loaded once and cached in
   ``--registry``). VINs: 10% exact registry hits, 10% hits with one look-alike confusion,
   80% valid VINs not in the registry. Per run: checks per second (requests / wall time)
   and the p99 of the request latencies; the median over ``--runs`` runs.
   Goals: >= 1,000 checks/s, p99 <= 50 ms.
2. Document check: the same bytes (a 300-dpi sample scan) through
   ``POST /api/v1/check/document`` one request at a time, and through the library in this
   process (``load_image`` + ``inspect_document``, what the route calls, with the same
   options, the same registry and OpenCV on one thread as in the service); median of
   ``--doc-runs`` each, interleaved, after one warm-up; wall time and CPU time (the
   server's, Tesseract included, against this process's). Goal: HTTP within 10% of the
   library.
3. Trainee submissions: ``POST /api/v1/assignments/{id}/items/{item}/submission``, each
   trainee submitting every item of a 10-item exercise; submissions per second per run,
   then the rows in the service database are counted: every 201 must be a row.
   Goal: >= 200 submissions/s, none lost.

Run: ``.venv/bin/python bench/service.py [--records 1000000] [--workers 2] [--runs 3]``
(first run: about a minute to build the registry). The machine is shared: the load average
is printed before and after; the load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
# this script is named like the service package it starts: keep bench/ off the import path
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
SAMPLE = ROOT / "samples" / "s01" / "capture_scan.jpg"
REF_DATE = "2026-01-15"
LOOKALIKE = {"0": "D", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G", "U": "V", "V": "U",
             "D": "0", "S": "5", "B": "8", "G": "6", "Z": "2"}


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class ServerCpu:
    """CPU seconds used by the server: the uvicorn process, its workers and their finished
    children (Tesseract), from /proc. Unlike wall time, this does not grow when other jobs
    take the cores, so it tells what the server would do on cores of its own."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def _pids(self) -> list[int]:
        out = [self.pid]
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.pid:
                    out.append(int(entry))
        return out

    def seconds(self) -> float:
        total = 0
        for pid in self._pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        return total / self.tick


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def build_registry(path: Path, records: int) -> None:
    """The registry of ``records`` mock records at ``path`` (built once, then reused)."""
    from docsec.registry.mock import make_records
    from docsec.registry.sql import SqlRegistry

    if path.exists():
        reg = SqlRegistry(path)
        n = reg.count()
        reg.close()
        if n == records:
            print(f"registry: {n:,} records (cached at {path})")
            return
        path.unlink()
    t0 = time.perf_counter()
    reg = SqlRegistry(path, create=True)
    reg.add(make_records(records, seed=2026))
    reg.close()
    print(f"registry: {records:,} records bulk-loaded in {time.perf_counter() - t0:.1f} s")


def vin_mix(n: int, records: int) -> list[str]:
    """10% exact hits, 10% look-alike hits, 80% valid VINs not in the registry."""
    from docsec.registry.mock import make_records

    stolen = [r.vin for r in make_records(min(records, 5000), seed=2026)]
    clean = [r.vin for r in make_records(n, seed=777)]
    out = []
    for i in range(n):
        if i % 10 == 0:
            out.append(stolen[i % len(stolen)])
        elif i % 10 == 1:
            vin = stolen[(i * 7) % len(stolen)]
            k = next((j for j in range(len(vin) - 1, -1, -1) if vin[j] in LOOKALIKE and j != 8),
                     None)
            out.append(vin if k is None else vin[:k] + LOOKALIKE[vin[k]] + vin[k + 1:])
        else:
            out.append(clean[i])
    return out


def prepare(data_dir: Path, registry: Path, secret: str, trainees: int) -> dict[str, Any]:
    """Accounts, a lab key and a 10-item exercise assigned to ``trainees`` trainees."""
    from fastapi.testclient import TestClient
    from pydantic import SecretStr

    from service.app import create_app
    from service.auth import hash_password, issue_api_key, issue_token
    from service.models import User
    from service.settings import Settings

    settings = Settings(data_dir=data_dir, registry=str(registry), secret_key=SecretStr(secret))
    app = create_app(settings)
    pw = hash_password(secrets.token_urlsafe(16))
    with app.state.db.session() as s:
        lab = User(username="bench-lab", role="lab", password_hash=pw)
        inst = User(username="bench-instructor", role="instructor", password_hash=pw)
        s.add_all([lab, inst])
        s.flush()
        key = issue_api_key(s, lab, 10_000_000)
        inst_token, _ = issue_token(inst, secret, 3600)
        users = [User(username=f"bench-trainee-{i:04d}", role="trainee", password_hash=pw)
                 for i in range(trainees)]
        s.add_all(users)
        s.flush()
        tokens = {u.username: issue_token(u, secret, 3600)[0] for u in users}
    auth = {"Authorization": f"Bearer {inst_token}"}
    with TestClient(app) as c:
        resp = c.post("/api/v1/exercises", headers=auth, json={
            "topic": "mixed", "count": 10, "dpi": 100, "seed": 42, "reference_date": REF_DATE})
        resp.raise_for_status()
        exercise = resp.json()
        assignments = []
        names = sorted(tokens)
        for start in range(0, len(names), 1000):
            resp = c.post(f"/api/v1/exercises/{exercise['id']}/assignments", headers=auth,
                          json={"trainees": names[start:start + 1000]})
            resp.raise_for_status()
            assignments += resp.json()
    app.state.db.close()
    return {"lab_key": key, "items": exercise["items"],
            "assignments": [(a["id"], tokens[a["trainee"]]) for a in assignments]}


def start_server(port: int, env: dict[str, str], workers: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "service.app:create_app", "--factory",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--log-level", "warning", "--no-access-log", "--http", "httptools",
           "--loop", "uvloop"]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                time.sleep(0.5 if workers > 1 else 0)  # every worker up
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server exited")
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("the server did not start")


async def run_load(base: str, requests: list[tuple[str, dict[str, str], Any]],
                   concurrency: int) -> tuple[float, list[float], dict[int, int]]:
    """Send every (path, headers, json) with ``concurrency`` in flight; wall s, latencies s,
    status counts."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    it = iter(requests)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def worker() -> None:
            for path, headers, body in it:
                t0 = time.perf_counter()
                resp = await client.post(path, headers=headers, json=body)
                latencies.append(time.perf_counter() - t0)
                statuses[resp.status_code] = statuses.get(resp.status_code, 0) + 1

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - t0
    return wall, latencies, statuses


_WRK_SCRIPT = """
local bodies = {%s}
local headers = {["Content-Type"] = "application/json", ["X-API-Key"] = "%s"}
local i = math.random(#bodies)
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/api/v1/check/vin", headers, bodies[i])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%.1f %%.1f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


_WRK_SUBMIT = """
local reqs = {%s}
local sent = 0
created, other = 0, 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
request = function()
  sent = sent + 1
  if sent > #reqs then return wrk.format("GET", "/healthz") end
  local r = reqs[sent]
  return wrk.format("POST", r[1], {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. r[2]}, r[3])
end
response = function(status, headers, body)
  if status == 201 then created = created + 1 elseif status ~= 200 then other = other + 1 end
end
done = function(summary, latency, requests)
  local c, o = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); o = o + t:get("other") end
  io.write(string.format("SUBMIT %%d %%d %%d %%.1f\\n", c, o, summary.duration,
    latency:percentile(99)))
end
"""


def _wrk_run(base: str, script: Path, seconds: int, connections: int) -> tuple[float, float,
                                                                               float, int, int]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script),
                          base], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, errors, duration_us, p50, p99, _max = line.split()[1:]
    ok = int(n) - int(errors)
    return ok / (int(duration_us) / 1e6), float(p50) / 1000, float(p99) / 1000, int(n), int(errors)


def bench_vins(base: str, key: str, vins: list[str], runs: int, concurrency: int,
               seconds: int, use_wrk: bool, cpu: ServerCpu) -> None:
    rates, p99s, p50s, cpu_ms = [], [], [], []
    if use_wrk:
        bodies = ", ".join(f"'{{\"vins\": [\"{v}\"]}}'" for v in vins)
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        script.write_text(_WRK_SCRIPT % (bodies, key))
        _wrk_run(base, script, 2, concurrency)  # warm-up
        for r in range(runs):
            c0 = cpu.seconds()
            rate, p50, p99, n, errors = _wrk_run(base, script, seconds, concurrency)
            cpu_ms.append((cpu.seconds() - c0) / max(n, 1) * 1000)
            rates.append(rate)
            p50s.append(p50)
            p99s.append(p99)
            print(f"  run {r + 1}: {n} requests in {seconds} s, {errors} not 200, "
                  f"{rate:,.0f} checks/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
                  f"server CPU {cpu_ms[-1]:.2f} ms a check")
        script.unlink()
    else:
        headers = {"X-API-Key": key}
        reqs = [("/api/v1/check/vin", headers, {"vins": [v]}) for v in vins]
        asyncio.run(run_load(base, reqs[:300], concurrency))  # warm-up
        for r in range(runs):
            c0 = cpu.seconds()
            wall, lat, statuses = asyncio.run(run_load(base, reqs, concurrency))
            cpu_ms.append((cpu.seconds() - c0) / len(reqs) * 1000)
            ok = statuses.get(200, 0)
            rates.append(ok / wall)
            p99s.append(_pct(lat, 0.99) * 1000)
            p50s.append(_pct(lat, 0.50) * 1000)
            print(f"  run {r + 1}: {len(reqs)} requests, statuses {statuses}, "
                  f"{ok / wall:,.0f} checks/s, p50 {p50s[-1]:.1f} ms, p99 {p99s[-1]:.1f} ms")
    rate, p99 = statistics.median(rates), statistics.median(p99s)
    verdict = "MET" if rate >= 1000 and p99 <= 50 else "MISSED"
    per = statistics.median(cpu_ms)
    print(f"VIN checks: median {rate:,.0f} checks/s, p50 {statistics.median(p50s):.1f} ms, "
          f"p99 {p99:.1f} ms (goal >= 1,000/s, p99 <= 50 ms): {verdict}; server CPU "
          f"{per:.2f} ms a check = {2000 / per:,.0f} checks/s on 2 cores of its own")


def bench_document(base: str, key: str, runs: int, cpu: ServerCpu, registry_path: Path) -> None:
    import cv2

    from docsec.imaging import load_image
    from docsec.inspect import inspect_document
    from docsec.registry.sql import SqlRegistry

    cv2.setNumThreads(1)  # as in the service's check workers
    os.environ["OMP_THREAD_LIMIT"] = "1"  # as in the service's environment (Tesseract)
    data = SAMPLE.read_bytes()
    ref = dt.date.fromisoformat(REF_DATE)

    registry = SqlRegistry(registry_path)

    def library() -> None:
        inspect_document({"white": load_image(data, max_pixels=40_000_000)}, level=3,
                         reference_date=ref, registry=registry, viz=True)

    inside: list[float] = []  # the server's own time for the check (decode + inspection)

    def http(client: httpx.Client) -> None:
        resp = client.post("/api/v1/check/document", headers={"X-API-Key": key},
                           files={"white": ("white.jpg", data, "image/jpeg")},
                           data={"reference_date": REF_DATE, "viz": "true"})
        resp.raise_for_status()
        inside.append(resp.json()["timings_ms"]["total"] / 1000)

    def timed(fn: Callable[[], None], clock: Callable[[], float]) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), clock()
        fn()
        return time.perf_counter() - t0, clock() - c0

    with httpx.Client(base_url=base, timeout=120) as client:
        library()
        http(client)
        lib, net = [], []
        inside.clear()
        for _ in range(runs):  # interleaved, so load changes hit both alike
            lib.append(timed(library, _own_cpu))
            net.append(timed(lambda: http(client), cpu.seconds))
    # what HTTP adds: each request's wall time less the server's own time for the check
    added_ms = statistics.median(w - t for (w, _), t in zip(net, inside, strict=True)) * 1000
    lib_ms = statistics.median(w for w, _ in lib) * 1000
    net_ms = statistics.median(w for w, _ in net) * 1000
    lib_cpu = statistics.median(c for _, c in lib) * 1000
    net_cpu = statistics.median(c for _, c in net) * 1000
    ratio, cpu_ratio = net_ms / lib_ms - 1, net_cpu / lib_cpu - 1
    added = added_ms / lib_ms
    print(f"document check ({SAMPLE.relative_to(ROOT)}, {len(data):,} bytes, viz on), median "
          f"of {runs}: wall: library {lib_ms:.0f} ms, HTTP {net_ms:.0f} ms, {ratio:+.1%}; CPU: "
          f"library {lib_cpu:.0f} ms, server {net_cpu:.0f} ms, {cpu_ratio:+.1%}; HTTP adds "
          f"{added_ms:.1f} ms to the server's own time for the check ({added:+.1%} of the "
          f"library's) (goal <= +10%): wall {'MET' if ratio <= 0.10 else 'MISSED'}, "
          f"CPU {'MET' if cpu_ratio <= 0.10 else 'MISSED'}, "
          f"added {'MET' if added <= 0.10 else 'MISSED'}")


def _rows(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM submissions").fetchone()[0])


def bench_submissions(base: str, db: Path, prepared: dict[str, Any], runs: int,
                      concurrency: int, cpu: ServerCpu, use_wrk: bool, seconds: int) -> None:
    assignments = prepared["assignments"]
    items = prepared["items"]
    per_run = len(assignments) // runs
    rates, cpu_ms = [], []
    total_ok = 0
    for r in range(runs):
        group = assignments[r * per_run:(r + 1) * per_run]
        reqs: list[tuple[str, dict[str, str], dict[str, Any]]] = [
                (f"/api/v1/assignments/{aid}/items/{item}/submission",
                 {"Authorization": f"Bearer {token}"},
                 {"decision": ("accept", "refer", "reject")[k % 3], "findings": [],
                  "time_spent_s": 12.5})
                for k, item in enumerate(items) for aid, token in group]
        c0 = cpu.seconds()
        if use_wrk:
            # a fixed time with more distinct submissions than it can take (each sent once):
            # the rate is what was created in that time, checked against the rows stored
            body = ", ".join(
                f"{{'{path}', '{h['Authorization'].split()[1]}', '{json.dumps(b)}'}}"
                for path, h, b in reqs)
            script = Path(tempfile.mkstemp(suffix=".lua")[1])
            script.write_text(_WRK_SUBMIT % body)
            out = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{seconds}s", "-s",
                                  str(script), base], capture_output=True, text=True,
                                 check=True).stdout
            script.unlink()
            line = next(x for x in out.splitlines() if x.startswith("SUBMIT"))
            created, other, duration_us, p99_us = line.split()[1:]
            ok, wall, p99 = int(created), int(duration_us) / 1e6, float(p99_us) / 1000
            statuses = {201: ok, 0: int(other)}  # 0: any answer but 201 (or 200 to /healthz)
            if ok >= len(reqs):
                print("  (every prepared submission was sent: raise --trainees)")
        else:
            wall, lat, statuses = asyncio.run(run_load(base, reqs, concurrency))
            ok, p99 = statuses.get(201, 0), _pct(lat, 0.99) * 1000
        cpu_ms.append((cpu.seconds() - c0) / max(ok, 1) * 1000)
        total_ok += ok
        rates.append(ok / wall)
        print(f"  run {r + 1}: {len(reqs)} submissions, statuses {statuses}, "
              f"{ok / wall:,.0f}/s, p99 {p99:.1f} ms, "
              f"server CPU {cpu_ms[-1]:.2f} ms a submission")
    rows = _rows(db)
    rate = statistics.median(rates)
    # a 201 without its row is lost; rows beyond the 201s counted were answered after the
    # load generator stopped (at most the requests in flight)
    lost = max(total_ok - rows, 0)
    late = max(rows - total_ok, 0)
    verdict = "MET" if rate >= 200 and lost == 0 else "MISSED"
    per = statistics.median(cpu_ms)
    print(f"submissions: median {rate:,.0f}/s; {total_ok} accepted, {rows} rows stored "
          f"({late} answered after the generator stopped), {lost} lost "
          f"(goal >= 200/s, none lost): {verdict}; server CPU {per:.2f} ms a "
          f"submission = {2000 / per:,.0f}/s on 2 cores of its own")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--registry", type=Path, default=None,
                    help="registry file (default: a cache under the temp dir)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    ap.add_argument("--vin-requests", type=int, default=5000,
                    help="distinct VINs (the httpx generator sends each once a run)")
    ap.add_argument("--seconds", type=int, default=10, help="length of a wrk run")
    ap.add_argument("--no-wrk", action="store_true",
                    help="drive the VIN checks with the httpx generator even if wrk is there")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--doc-runs", type=int, default=11)
    ap.add_argument("--trainees", type=int, default=2400,
                    help="trainees x 10 items = distinct submissions over all runs")
    args = ap.parse_args()

    registry = args.registry or Path(tempfile.gettempdir()) / f"docsec-bench-{args.records}.sqlite"
    print(_load())
    build_registry(registry, args.records)
    work = Path(tempfile.mkdtemp(prefix="docsec-bench-service-"))
    secret = secrets.token_urlsafe(32)
    prepared = prepare(work / "data", registry, secret, args.trainees)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DOCSEC_DATA_DIR": str(work / "data"), "DOCSEC_REGISTRY": str(registry),
           "DOCSEC_SECRET_KEY": secret, "OMP_THREAD_LIMIT": "1"}
    server = start_server(port, env, args.workers)
    cpu = ServerCpu(server.pid)
    base = f"http://127.0.0.1:{port}"
    use_wrk = shutil.which("wrk") is not None and not args.no_wrk
    print(f"server: uvicorn, {args.workers} worker process(es), loopback port {port}; load "
          f"generators: {'wrk (1 thread)' if use_wrk else 'asyncio httpx'} for VIN checks and "
          f"submissions, asyncio httpx for document checks; {args.concurrency} requests in "
          "flight")
    try:
        bench_vins(base, prepared["lab_key"], vin_mix(args.vin_requests, args.records),
                   args.runs, args.concurrency, args.seconds, use_wrk, cpu)
        bench_document(base, prepared["lab_key"], args.doc_runs, cpu, registry)
        bench_submissions(base, work / "data" / "docsec.sqlite", prepared, args.runs,
                          args.concurrency, cpu, use_wrk, args.seconds)
    finally:
        server.terminate()
        server.wait(30)
    print(_load())


if __name__ == "__main__":
    main()
