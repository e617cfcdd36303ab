"""Storage benchmarks, each against a baseline measured in the same run.

    .venv/bin/python -m bench.storage_bench [seal|attachment|export|all] [--cases N] [--mb N]

- seal: sealing one case document vs the raw HPKE + AES-GCM calls it is made of.
- attachment: STREAM sealing of a large file vs one bare AES-GCM call over the same bytes,
  and the peak memory of sealing a file read from disk (a child process, so RSS is its own).
- export: decrypting N cases from SQLite to CSV and JSONL: cases/s and peak memory.

Prints one JSON object per result; BENCHMARKS.md holds the figures with the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage import schema
from storage.cases import CaseDocument, ReceiptKey, seal_case
from storage.crypto.envelope import seal
from storage.crypto.keys import KeyKind, ReviewerPrivateKey
from storage.crypto.reply import ReceiptSecret
from storage.crypto.stream import CHUNK_SIZE, ChunkSealer
from storage.database import Database
from storage.export import ExportFormat

ANSWERS: dict[str, Any] = {
    "reporter_role": "relative",
    "consent": "yes",
    "share_scope": ["reviewers", "un_bodies"],
    "event_date": {"date": "2022-01-06", "precision": "exact"},
    "place": {"region": "almaty", "town": "Алматы", "spot": "площадь Республики"},
    "detained_by": ["plainclothes", "police"],
    "status_now": "still_held",
    "held_where": {"code": "ivs", "text": "ИВС ДП г. Алматы"},
    "narrative": "Ағамды азаматтық киімдегі адамдар ұстап әкетті. " * 12,
    "victims": [{"name": "А. Б.", "sex": "male", "age": 34}],
}


def document() -> CaseDocument:
    return CaseDocument(
        form_id="detention",
        form_version=1,
        language="kk",
        answers=ANSWERS,
        submitted_at=dt.datetime(2022, 1, 9, tzinfo=dt.UTC),
    )


def best_of(fn: Callable[[], object], repeat: int, number: int) -> float:
    """Seconds per call, best of `repeat` rounds (the least disturbed by the machine)."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return min(rounds)


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)


def bench_seal(recipients: int = 2) -> None:
    for kind in KeyKind:
        keys = [ReviewerPrivateKey.generate(kind).public for _ in range(recipients)]
        hpke_keys = [k.hpke_key() for k in keys]
        doc = document()
        payload = json.dumps(doc.to_json("0" * 32), ensure_ascii=False).encode()

        def raw(
            keys: list[Any] = keys, hpke_keys: list[Any] = hpke_keys, payload: bytes = payload
        ) -> None:
            data_key = AESGCM.generate_key(bit_length=256)
            for key, hk in zip(keys, hpke_keys, strict=True):
                key.kind.suite.encrypt(data_key, hk, info=b"x" * 46)
            AESGCM(data_key).encrypt(os.urandom(12), payload, b"h" * 48)

        def ours(doc: CaseDocument = doc, keys: list[Any] = keys) -> None:
            body = json.dumps(doc.to_json("0" * 32), ensure_ascii=False, separators=(",", ":"))
            seal(body.encode(), keys, object_id="0" * 32, context="detention")

        base, mine = best_of(raw, 5, 300), best_of(ours, 5, 300)
        emit(
            {
                "bench": "seal_case",
                "kind": kind.value,
                "recipients": recipients,
                "payload_bytes": len(payload),
                "baseline_us": round(base * 1e6, 1),
                "kuager_us": round(mine * 1e6, 1),
                "ratio": round(mine / base, 3),
                "target": "<= 1.5",
            }
        )


def bench_attachment_speed(megabytes: int) -> None:
    data = os.urandom(megabytes * 1024 * 1024)
    key = ReviewerPrivateKey.generate().public

    def bare() -> None:
        AESGCM(AESGCM.generate_key(bit_length=256)).encrypt(os.urandom(12), data, None)

    view = memoryview(data)

    def stream() -> None:
        sealer = ChunkSealer([key], "a" * 32)
        for start in range(0, len(view), 1024 * 1024):
            sealer.update(bytes(view[start : start + 1024 * 1024]))
        sealer.finish()

    base, mine = best_of(bare, 3, 1), best_of(stream, 3, 1)
    emit(
        {
            "bench": "attachment_seal",
            "megabytes": megabytes,
            "baseline_mb_s": round(megabytes / base),
            "kuager_mb_s": round(megabytes / mine),
            "throughput_vs_baseline": round(base / mine, 3),
            "target": ">= 0.70",
        }
    )


_REPORT_RSS = """
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forked parent across exec.
for _line in open("/proc/self/status"):
    if _line.startswith("VmHWM:"):
        print("RSS_KIB", _line.split()[1])
"""


def run_child(code: str, *args: str, tree: Path | None = None) -> tuple[float, str]:
    """(peak RSS in MiB, stdout) of a fresh interpreter running `code`: its own peak only.

    With `tree`, the interpreter imports Kuager from that checkout (`python -c` puts its working
    folder first on the path, before the editable install), to compare two versions in one run.
    """
    done = subprocess.run(
        [sys.executable, "-c", code + _REPORT_RSS, *args],
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    rss = next(int(line.split()[1]) for line in lines if line.startswith("RSS_KIB"))
    rest = "\n".join(line for line in lines if not line.startswith("RSS_KIB"))
    return rss / 1024, rest


def child_peak_rss_mb(code: str, *args: str) -> float:
    return run_child(code, *args)[0]


_IDLE = "import storage.crypto.stream, storage.crypto.keys"
_SEAL_FILE = """
import sys
from storage.crypto.keys import ReviewerPrivateKey
from storage.crypto.stream import ChunkSealer
sealer = ChunkSealer([ReviewerPrivateKey.generate().public], "a" * 32)
with open(sys.argv[1], "rb") as src, open("/dev/null", "wb") as sink:
    while piece := src.read(1 << 20):
        for chunk in sealer.update(piece):
            sink.write(chunk)
    sink.write(sealer.finish())
"""


def bench_attachment_memory(megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "video.bin"
        with path.open("wb") as out:
            for _ in range(megabytes):
                out.write(os.urandom(1024 * 1024))
        idle = child_peak_rss_mb(_IDLE)
        sealing = child_peak_rss_mb(_SEAL_FILE, str(path))
    emit(
        {
            "bench": "attachment_memory",
            "megabytes": megabytes,
            "idle_interpreter_rss_mb": round(idle, 1),
            "sealing_rss_mb": round(sealing, 1),
            "above_idle_mb": round(sealing - idle, 1),
            "chunk_kib": CHUNK_SIZE // 1024,
            "target": "flat: a few chunks",
        }
    )


def bench_receipt() -> ReceiptKey:
    """A receipt as the bot issues it, its scrypt output drawn at random instead: one scrypt
    (~80 ms, on purpose) per case would make filling 100,000 cases take hours, and the export
    measured here never derives one."""
    return ReceiptKey("BENCH", ReceiptSecret(os.urandom(32)))


async def fill(db: Database, key: ReviewerPrivateKey, cases: int) -> float:
    await schema.upgrade(db)
    doc, start, batch = document(), time.perf_counter(), 1000
    for offset in range(0, cases, batch):
        async with db.transaction() as session:
            for _ in range(min(batch, cases - offset)):
                await seal_case(
                    session, doc, [key.public], today=dt.date(2022, 1, 9), receipt=bench_receipt()
                )
    return time.perf_counter() - start


_EXPORT = """
import asyncio, json, sys, time
from pathlib import Path
from storage.database import Database
from storage.export import ExportFormat, ExportRequest, export_cases
from storage.crypto.keys import ReviewerPrivateKey, KeyKind
try:
    from handlers.export_layout import export_layout
except ImportError:  # a baseline from before the analyst's export: its one raw table
    export_layout = None
key = ReviewerPrivateKey(KeyKind.X25519, bytes.fromhex(sys.argv[2]))
async def main():
    db = Database(sys.argv[1])
    start = time.perf_counter()
    # As `kuager export` asks: the forms' layout, in Russian.
    options = {"layout": export_layout("ru")} if export_layout else {}
    request = ExportRequest(Path(sys.argv[3]), ExportFormat(sys.argv[4]), **options)
    tally = await export_cases(db, key, request)
    await db.close()
    print(json.dumps({"seconds": time.perf_counter() - start, "exported": tally.exported}))
asyncio.run(main())
"""


def bench_export(cases: int, baseline: Path | None = None, rounds: int = 1) -> None:
    key = ReviewerPrivateKey.generate()
    with tempfile.TemporaryDirectory() as folder:
        url = str(Path(folder) / "bench.db")

        async def prepare() -> float:
            db = Database(url, create=True)
            try:
                return await fill(db, key, cases)
            finally:
                await db.close()

        fill_seconds = asyncio.run(prepare())
        emit(
            {
                "bench": "seal_and_store",
                "cases": cases,
                "cases_per_s": round(cases / fill_seconds),
                "receipt_scrypt": "skipped (bench_receipt)",
            }
        )
        idle = child_peak_rss_mb("import storage.export, storage.database, handlers.export_layout")
        trees: list[tuple[str, Path | None]] = [("this", None)]
        if baseline is not None:
            trees.append(("baseline", baseline))
        for fmt in (ExportFormat.JSONL, ExportFormat.CSV, ExportFormat.XLSX):
            # This tree and the baseline alternated, `rounds` times each: the machine's load
            # drifts, and a comparison is only fair within one stretch of it.
            for _ in range(rounds):
                for name, tree in trees:
                    out = Path(folder) / f"out.{fmt.value}"
                    args = (url, key.raw.hex(), str(out), fmt.value)
                    peak, stdout = run_child(_EXPORT, *args, tree=tree)
                    result = json.loads(stdout)
                    assert result["exported"] == cases
                    emit(
                        {
                            "bench": "export",
                            "tree": name,
                            "format": fmt.value,
                            "cases": cases,
                            "cases_per_s": round(cases / result["seconds"]),
                            "peak_rss_mb": round(peak, 1),
                            "idle_rss_mb": round(idle, 1),
                            "target": "none" if fmt is ExportFormat.XLSX else ">= 5000/s",
                        }
                    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "which", nargs="?", default="all", choices=["seal", "attachment", "export", "all"]
    )
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of Kuager (say, `git worktree add /tmp/base main`): its export "
        "runs alternately with this one's, on the same database",
    )
    parser.add_argument("--rounds", type=int, default=1, help="exports per format and tree")
    args = parser.parse_args()
    emit(
        {
            "machine": platform.platform(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        }
    )
    if args.which in ("seal", "all"):
        bench_seal()
    if args.which in ("attachment", "all"):
        bench_attachment_speed(args.mb)
        bench_attachment_memory(args.mb)
    if args.which in ("export", "all"):
        bench_export(args.cases, args.baseline, args.rounds)


if __name__ == "__main__":
    main()
