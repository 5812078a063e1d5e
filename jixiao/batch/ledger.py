"""The batch's own notebook: a small SQLite file on local disk, separate from the store.

It keeps, per run, what a run must remember about every file and form without holding them
in memory: the file list in walk order (its `seq` orders the forms for D002 and the report),
what happened to each file, the ids of the forms the batch covers, and the 16-byte keys of
their 偏差原因 texts. A corpus of a million forms costs a few tens of megabytes of disk here and
nothing in RAM. The file is deleted when the run ends.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator

# What happened to a file.
STORED = "stored"  # read and stored by this run
SKIPPED = "skipped"  # its bytes were already in the store (an earlier run, or an upload)
DUPLICATE = "duplicate"  # the same bytes as an earlier file of this run
UNREADABLE = "unreadable"  # no form could be read from it; nothing stored
FAILED = "failed"  # the worker or the database failed on it; nothing stored

_SCHEMA = """
CREATE TABLE files (seq INTEGER PRIMARY KEY, rel TEXT NOT NULL, sha TEXT, status TEXT,
                    forms INTEGER DEFAULT 0, errors TEXT, source_file_id INTEGER);
CREATE INDEX files_sha ON files (sha);
CREATE TABLE forms (form_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE INDEX forms_seq ON forms (seq, position);
CREATE TABLE devs (digest BLOB NOT NULL, form_id INTEGER NOT NULL, idx INTEGER NOT NULL,
                   seq INTEGER NOT NULL, position INTEGER NOT NULL, UNIQUE (digest, form_id));
"""


class Ledger:
    def __init__(self, directory: str | None = None):
        fd, self.path = tempfile.mkstemp(prefix="jixiao-batch-", suffix=".sqlite", dir=directory)
        os.close(fd)
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)

    def close(self) -> None:
        self.db.close()
        try:
            os.unlink(self.path)
        except OSError:  # pragma: no cover
            pass

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- files -----------------------------------------------------------------------------
    def add_files(self, rows: Iterable[tuple[int, str, str | None]]) -> None:
        self.db.executemany("INSERT INTO files (seq, rel, sha) VALUES (?, ?, ?)", rows)

    def seen_sha(self, sha: str, before: int) -> bool:
        """Did an earlier file of this run have these bytes?"""
        return self.db.execute("SELECT 1 FROM files WHERE sha = ? AND seq < ? LIMIT 1", (sha, before)).fetchone() is not None

    def set_file(self, seq: int, status: str, *, sha: str | None = None, forms: int = 0,
                 errors: list[dict] | None = None, source_file_id: int | None = None) -> None:
        self.db.execute(
            "UPDATE files SET status = ?, forms = ?, errors = ?, source_file_id = ?, sha = COALESCE(?, sha) WHERE seq = ?",
            (status, forms, json.dumps(errors, ensure_ascii=False) if errors else None, source_file_id, sha, seq),
        )

    def counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT status, COUNT(*) FROM files GROUP BY status"))

    def error_files(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM files WHERE errors IS NOT NULL").fetchone()[0]

    def files_with_errors(self) -> Iterator[tuple[str, str, list[dict]]]:
        """(file, status, errors) in walk order, for the report."""
        for rel, status, errors in self.db.execute(
                "SELECT rel, status, errors FROM files WHERE errors IS NOT NULL ORDER BY seq"):
            yield rel, status, json.loads(errors)

    def files_in_order(self, chunk: int = 500) -> Iterator[list[tuple[int, str, str, list[dict] | None]]]:
        """(seq, file, status, errors) in walk order, a chunk at a time."""
        cur = self.db.execute("SELECT seq, rel, status, errors FROM files ORDER BY seq")
        while rows := cur.fetchmany(chunk):
            yield [(seq, rel, status, json.loads(errors) if errors else None) for seq, rel, status, errors in rows]

    def forms_between(self, first: int, last: int) -> list[tuple[int, int]]:
        """(seq, form id) of the files first..last, in order."""
        return list(self.db.execute("SELECT seq, form_id FROM forms WHERE seq BETWEEN ? AND ? ORDER BY seq, position",
                                    (first, last)))

    # -- forms -----------------------------------------------------------------------------
    def add_forms(self, seq: int, form_ids: list[int], devs: list[list[tuple[bytes, int]]]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO forms VALUES (?, ?, ?)",
                            [(fid, seq, pos) for pos, fid in enumerate(form_ids)])
        self.db.executemany("INSERT OR IGNORE INTO devs VALUES (?, ?, ?, ?, ?)",
                            [(d, fid, k, seq, pos) for pos, (fid, ds) in enumerate(zip(form_ids, devs)) for d, k in ds])

    def form_ids(self, chunk: int = 5000) -> Iterator[list[int]]:
        """The batch's forms in walk order, a chunk at a time."""
        cur = self.db.execute("SELECT form_id FROM forms ORDER BY seq, position")
        while rows := cur.fetchmany(chunk):
            yield [r[0] for r in rows]

    def has_form(self, form_id: int) -> bool:
        return self.db.execute("SELECT 1 FROM forms WHERE form_id = ?", (form_id,)).fetchone() is not None

    def form_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM forms").fetchone()[0]

    # -- D002 ------------------------------------------------------------------------------
    def shared_texts(self) -> tuple[dict[bytes, tuple[int, list[int]]], Iterator[tuple[int, list[tuple[int, bytes]]]]]:
        """The 偏差原因 keys found in two or more forms of the batch.

        Returns {key: (number of forms, the first four forms in batch order)} and, form by form in
        batch order, [(indicator index, key)] of the shared keys of that form.
        """
        db = self.db
        db.executescript("""
            DROP TABLE IF EXISTS shared;
            CREATE TEMP TABLE shared AS SELECT digest FROM devs GROUP BY digest HAVING COUNT(*) > 1;
            CREATE INDEX shared_digest ON shared (digest);
        """)
        heads: dict[bytes, tuple[int, list[int]]] = {}
        for digest, form_id, n in db.execute("""
                SELECT digest, form_id, cnt FROM (
                    SELECT d.digest, d.form_id,
                           ROW_NUMBER() OVER (PARTITION BY d.digest ORDER BY d.seq, d.position) AS rn,
                           COUNT(*) OVER (PARTITION BY d.digest) AS cnt
                    FROM devs d JOIN shared s ON s.digest = d.digest)
                WHERE rn <= 4 ORDER BY digest, rn"""):
            heads.setdefault(digest, (n, []))[1].append(form_id)

        def per_form() -> Iterator[tuple[int, list[tuple[int, bytes]]]]:
            cur = db.execute("""SELECT d.form_id, d.idx, d.digest FROM devs d JOIN shared s ON s.digest = d.digest
                                ORDER BY d.seq, d.position, d.idx""")
            current, items = None, []
            for form_id, idx, digest in cur:
                if form_id != current:
                    if current is not None:
                        yield current, items
                    current, items = form_id, []
                items.append((idx, digest))
            if current is not None:
                yield current, items

        return heads, per_form()
