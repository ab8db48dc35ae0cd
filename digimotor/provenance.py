"""Provenance sidecars: every file under ``data/raw/`` says where it comes from.

A data file ``x.csv`` has a sidecar ``x.csv.meta.yml`` with at least

=============== ==============================================================
field           meaning
=============== ==============================================================
title           what the file holds
dataset         the dataset name it fits (see :mod:`digimotor.datasets`)
kind            ``published`` | ``public`` | ``synthetic`` | ``user``
producer        who made the numbers (the report's authors, SCB, PTS, a generator)
citation        for ``published``: report, figure/table, page and seed lines
date_accessed   when the numbers were read, fetched, generated or imported
licence         the terms the numbers are under
sha256          checksum of the data file; loaders refuse a file that differs
=============== ==============================================================

plus kind-specific fields (``exhibit``, ``page``, ``seed_lines`` and ``notes`` for published
data; ``generator``, ``seed`` and ``version`` for synthetic; ``original_file`` for user data).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_text
from .config import DATA_KINDS
from .errors import DataIntegrityError, DigimotorError

SIDECAR_SUFFIX = ".meta.yml"
REQUIRED_FIELDS = ("title", "dataset", "kind", "producer", "date_accessed", "licence", "sha256")


def sha256_file(path: str | Path) -> str:
    """Return the hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar_path(data_path: str | Path) -> Path:
    """Return the sidecar path of a data file (``x.csv`` -> ``x.csv.meta.yml``)."""
    data_path = Path(data_path)
    return data_path.with_name(data_path.name + SIDECAR_SUFFIX)


@dataclass
class Provenance:
    """The parsed sidecar of one data file."""

    path: Path
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return str(self.fields["kind"])

    @property
    def dataset(self) -> str:
        return str(self.fields["dataset"])

    @property
    def sha256(self) -> str:
        return str(self.fields["sha256"])

    def get(self, key: str, default: Any = None) -> Any:
        return self.fields.get(key, default)


def _relative(path: Path) -> str:
    """``path`` as the user sees it: relative to the project (``data/raw/...``), else to the cwd."""
    from .config import project_root

    for base in (project_root, Path.cwd):
        try:
            return Path(path).resolve().relative_to(base().resolve()).as_posix()
        except (ValueError, OSError, DigimotorError):
            continue
    return str(path)


def expected_kind(data_path: str | Path) -> str | None:
    """The kind a file's place under ``data/raw/`` implies, or None outside that layout.

    ``published/<dataset>.csv`` and ``synthetic/<dataset>.csv`` are published and synthetic;
    ``user/<dataset>/<name>.csv`` and ``public/<dataset>/<name>.csv`` are user and public.
    """
    from .config import raw_dir

    try:
        parts = Path(data_path).resolve().relative_to(raw_dir().resolve()).parts
    except (ValueError, OSError, DigimotorError):
        return None
    if len(parts) == 2 and parts[0] in ("published", "synthetic"):
        return parts[0]
    if len(parts) == 3 and parts[0] in ("user", "public"):
        return parts[0]
    return None


def read_provenance(data_path: str | Path) -> Provenance:
    """Read and check the sidecar of ``data_path`` (fields present, kind known).

    Raises
    ------
    DataIntegrityError
        If the sidecar is missing, unreadable or incomplete.
    """
    import yaml

    data_path = Path(data_path)
    side = sidecar_path(data_path)
    if not side.exists():
        raise DataIntegrityError(
            f"{_relative(data_path)} has no provenance sidecar ({side.name})",
            hint="every file under data/raw/ needs one; bring files in with `digimotor import`",
        )
    try:
        fields = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise DataIntegrityError(f"{_relative(side)} is not valid YAML{where}: {problem}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise DataIntegrityError(f"cannot read {_relative(side)}: {reason or exc}") from exc
    if not isinstance(fields, dict):
        raise DataIntegrityError(f"{_relative(side)} must hold a mapping of fields")
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise DataIntegrityError(f"{_relative(side)} lacks the field(s) {', '.join(missing)}")
    if fields["kind"] not in DATA_KINDS:
        raise DataIntegrityError(
            f"{_relative(side)}: kind '{fields['kind']}' is not one of {', '.join(DATA_KINDS)}"
        )
    return Provenance(path=data_path, fields=fields)


def verify(data_path: str | Path) -> Provenance:
    """Check that ``data_path`` matches the checksum in its sidecar and return the sidecar.

    Raises
    ------
    DataIntegrityError
        If the file is missing or its bytes differ from what the sidecar records.
    """
    data_path = Path(data_path)
    prov = read_provenance(data_path)
    folder_kind = expected_kind(data_path)
    if folder_kind is not None and prov.kind != folder_kind:
        raise DataIntegrityError(
            f"{_relative(sidecar_path(data_path))} says kind '{prov.kind}' but the file is under "
            f"data/raw/{folder_kind}/",
            hint="a sidecar cannot relabel data; restore the sidecar with git, or bring the file in "
            "again with `digimotor import ... --replace`",
        )
    if not data_path.is_file():
        raise DataIntegrityError(f"{_relative(data_path)} is missing (its sidecar exists)")
    try:
        actual = sha256_file(data_path)
    except OSError as exc:
        raise DataIntegrityError(f"cannot read {_relative(data_path)}: {exc.strerror or exc}") from exc
    if actual != prov.sha256:
        if prov.kind in ("published", "synthetic"):
            fix = (
                f"restore it with `git checkout -- {_relative(data_path)}`"
                if prov.kind == "published"
                else "regenerate it with `digimotor synthetic`"
            )
        else:
            kind = " --kind public" if prov.kind == "public" else ""
            fix = (f"bring the file in again with `digimotor import {prov.dataset} <file> "
                   f"--name {data_path.stem}{kind} --replace`")
        raise DataIntegrityError(
            f"{_relative(data_path)} has changed since its sidecar was written "
            f"(sha256 {actual[:12]}… ≠ recorded {prov.sha256[:12]}…)",
            hint=fix,
        )
    return prov


def dump_sidecar(fields: dict[str, Any]) -> str:
    """Serialise sidecar fields as YAML in a stable order (required fields first)."""
    import yaml

    ordered = {key: fields[key] for key in REQUIRED_FIELDS if key in fields}
    ordered.update({key: value for key, value in fields.items() if key not in ordered})
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)


def _check_kind(data_path: Path, fields: dict[str, Any]) -> None:
    """Refuse to write a sidecar whose kind is unknown or disagrees with the file's folder."""
    kind = fields.get("kind")
    if kind not in DATA_KINDS:
        raise DigimotorError(f"sidecar kind must be one of {', '.join(DATA_KINDS)}, not {kind!r}")
    folder_kind = expected_kind(data_path)
    if folder_kind is not None and kind != folder_kind:
        raise DigimotorError(f"{_relative(data_path)} is under data/raw/{folder_kind}/; its sidecar cannot "
                             f"say kind '{kind}'")


def write_sidecar(data_path: str | Path, fields: dict[str, Any]) -> Path:
    """Write the sidecar for ``data_path``, recording the file's current checksum.

    The data file must already be in place; ``sha256`` is computed here, never trusted
    from the caller.
    """
    data_path = Path(data_path)
    _check_kind(data_path, fields)
    fields = {**fields, "sha256": sha256_file(data_path)}
    return write_text(sidecar_path(data_path), dump_sidecar(fields))


def snapshot_lock(target: str | Path, dataset: str):
    """Lock the snapshot ``target`` of ``dataset`` against other writers (a context manager).

    One lock file per dataset and snapshot name, ``build/locks/<dataset>--<name>.lock``,
    whatever the kind (a user and a public snapshot of one name exclude each other too).
    """
    from .atomic import file_lock
    from .config import build_dir

    name = Path(target).stem
    return file_lock(build_dir() / "locks" / f"{dataset}--{name}.lock",
                     what=f"snapshot '{name}' of {dataset}")


def _write_error(target: Path, exc: OSError) -> DigimotorError:
    return DigimotorError(
        f"cannot write {_relative(target)}: {exc.strerror or exc}",
        hint="check that data/raw is writable and the disk is not full; nothing under data/raw was changed",
    )


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _keep(live: Path, backup: Path) -> bool:
    """Keep the current ``live`` file as ``backup`` (a hard link, else a copy); False if absent."""
    if not live.exists():
        return False
    try:
        os.link(live, backup)
    except OSError:  # a file system without hard links
        shutil.copy2(live, backup)
    return True


def write_snapshot(target: str | Path, body: bytes, fields: dict[str, Any], *, replace: bool = True,
                   conflicts: Sequence[str | Path] = ()) -> Path:
    """Write a data file and its sidecar as one pair; a failure leaves the previous pair intact.

    Under the snapshot's lock (:func:`snapshot_lock`, so that two writers of one name never
    mix their data and sidecars):

    1. refuse if a file in ``conflicts`` exists, or if the snapshot exists and ``replace`` is
       false (:class:`~digimotor.errors.SnapshotExistsError`);
    2. stage the data and its sidecar (with the checksum of the staged bytes) in a hidden
       folder next to the target, flushed to disk;
    3. keep the previous data and sidecar there as a backup (hard links);
    4. move the new data file, then the new sidecar, into place; if either move fails or is
       interrupted, put the backup back (or remove the new files if there was no snapshot);
    5. remove the staging folder with the backup.

    Any :class:`OSError` (read-only folder, disk full) becomes a one-line
    :class:`~digimotor.errors.DigimotorError` naming the target. Only ``digimotor import``,
    ``fetch`` and the synthetic generators (``replace=True``) call this.
    """
    from .errors import SnapshotExistsError

    target = Path(target)
    side = sidecar_path(target)
    _check_kind(target, fields)
    dataset = str(fields.get("dataset") or target.parent.name)
    with snapshot_lock(target, dataset):
        for other in map(Path, conflicts):
            if other.exists():
                raise SnapshotExistsError(
                    f"a snapshot '{target.stem}' of {dataset} already exists as {_relative(other)}",
                    hint="choose another --name",
                )
        existed = target.exists() or side.exists()
        if existed and not replace:
            raise SnapshotExistsError(
                f"a snapshot '{target.stem}' of {dataset} already exists ({_relative(target)})",
                hint="add --replace to overwrite it (the old one is kept until the new one is "
                "completely written), or choose another --name",
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
        except OSError as exc:
            raise _write_error(target, exc) from exc
        keep_staging = False
        try:
            new_data, new_side = staging / target.name, staging / side.name
            _write_synced(new_data, body)
            digest = hashlib.sha256(body).hexdigest()
            _write_synced(new_side, dump_sidecar({**fields, "sha256": digest}).encode("utf-8"))
            backups = {live: staging / f"backup{live.name[len(target.stem):]}" for live in (target, side)}
            kept = {live for live, backup in backups.items() if _keep(live, backup)}
            moved: list[Path] = []
            try:
                for new, live in ((new_data, target), (new_side, side)):
                    os.replace(new, live)
                    moved.append(live)
            except BaseException:
                try:
                    for live in reversed(moved):
                        if live in kept:
                            os.replace(backups[live], live)
                        else:
                            live.unlink()
                except OSError as restore_exc:
                    keep_staging = True
                    raise DigimotorError(
                        f"cannot write {_relative(target)} and cannot put the previous snapshot back: "
                        f"{restore_exc.strerror or restore_exc}",
                        hint=f"the previous data and sidecar are kept in {_relative(staging)}; move them back",
                    ) from restore_exc
                raise
        except OSError as exc:
            raise _write_error(target, exc) from exc
        finally:
            if not keep_staging:
                shutil.rmtree(staging, ignore_errors=True)
    return target


# ---------------------------------------------------------------------------------------------
# Provenance that travels with a frame: ``frame.attrs["provenance"]``
# ---------------------------------------------------------------------------------------------

#: The key of a frame's provenance in ``frame.attrs``: one record (a dict with ``kind``,
#: ``source``, ``snapshot``, ``citation`` …) or, for a frame built from several inputs, a list.
ATTR = "provenance"
#: ``frame.attrs`` key of an explicit label over mixed kinds (:func:`label_mixed`).
MIXED_ATTR = "mixed_kinds"
#: The kind of the package's own reference tables (``digimotor/reference/``): vocabulary, no data.
REFERENCE_KIND = "reference"
#: The order in which a mixed exhibit is labelled: a synthetic input makes the result an example.
STRICTNESS = ("synthetic", "user", "public", "published")


def records(frame: Any) -> list[dict[str, Any]]:
    """The provenance records a frame carries (``[]`` for none)."""
    value = (getattr(frame, "attrs", None) or {}).get(ATTR)
    if not value:
        return []
    if isinstance(value, dict):
        return [dict(value)]
    return [dict(item) for item in value if item]


def kinds(frame: Any) -> list[str]:
    """The distinct data kinds of a frame's provenance, in the order its inputs came.

    Records of kind ``reference`` (the package's own catalogues and crosswalks) are no data
    kind: a ledger mapped with the default account mapping is as synthetic as the ledger.
    """
    found: list[str] = []
    for record in _collect(frame)[0]:
        kind = str(record.get("kind"))
        if kind != REFERENCE_KIND and kind not in found:
            found.append(kind)
    return found


def strictest_kind(*kinds_: str) -> str:
    """The kind to label an exhibit built from inputs of several kinds: synthetic wins, then user,
    then public, then published."""
    for kind in STRICTNESS:
        if kind in kinds_:
            return kind
    raise ValueError(f"no known data kind among {', '.join(map(str, kinds_)) or 'none'}")


def _set(target: Any, found: list[dict[str, Any]], mixed: dict[str, Any] | None) -> None:
    attrs = getattr(target, "attrs", None)
    if attrs is None:
        return
    attrs[ATTR] = found[0] if len(found) == 1 else found
    if mixed:
        attrs[MIXED_ATTR] = dict(mixed)


def _apply(result: Any, found: list[dict[str, Any]], mixed: dict[str, Any] | None) -> None:
    """Give ``result`` (a frame, or a dict, list, tuple or dataclass holding frames) ``found``."""
    import dataclasses

    if hasattr(result, "attrs") and not isinstance(result, type):
        _set(result, _merge(records(result), found), mixed or (result.attrs.get(MIXED_ATTR)))
    elif isinstance(result, dict):
        for value in result.values():
            _apply(value, found, mixed)
    elif isinstance(result, (list, tuple)):
        for value in result:
            _apply(value, found, mixed)
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        for item in dataclasses.fields(result):
            _apply(getattr(result, item.name), found, mixed)


def _merge(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: list[dict[str, Any]] = []
    for group in groups:
        for record in group:
            if record not in merged:
                merged.append(record)
    return merged


def _collect(value: Any) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    import dataclasses

    if hasattr(value, "attrs"):
        return records(value), (value.attrs.get(MIXED_ATTR) or None)
    groups: list[dict[str, Any]] = []
    mixed = None
    if isinstance(value, dict):
        items: Any = value.values()
    elif isinstance(value, (list, tuple)):
        items = value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        return [], None
    for item in items:
        found, label = _collect(item)
        groups = _merge(groups, found)
        mixed = mixed or label
    return groups, mixed


def carry(result: Any, *inputs: Any) -> Any:
    """Keep the provenance of ``inputs`` on ``result`` and return ``result``.

    pandas drops ``attrs`` in many operations (group-bys, merges, new frames), so a metric calls
    this (or is decorated with :func:`keeps_provenance`) on what it returns. ``inputs`` are frames
    or containers of frames (dicts, lists, tuples, dataclasses); ``result`` may be any of these
    too, and every frame in it gets the union of the inputs' records (one record stays a dict,
    several become a list). Provenance ``result`` already carries is kept. Without any input
    provenance ``result`` is returned unchanged.
    """
    found: list[dict[str, Any]] = []
    mixed = None
    for value in inputs:
        records_, label = _collect(value)
        found = _merge(found, records_)
        mixed = mixed or label
    if found:
        _apply(result, found, mixed)
    return result


def keeps_provenance(func: Any = None, *, inputs: Sequence[str] | None = None, mixed: str | None = None) -> Any:
    """Decorate a metric so that what it returns keeps the provenance of its frame arguments.

    ``@keeps_provenance`` takes every argument that carries provenance (frames and containers
    of frames); ``@keeps_provenance(inputs=("ledger",))`` only the named ones. A metric that
    combines kinds on purpose says so with ``mixed="what it combines"`` (:func:`label_mixed`).
    """
    import functools
    import inspect

    def wrap(function: Any) -> Any:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = function(*args, **kwargs)
            bound = signature.bind_partial(*args, **kwargs)
            chosen = [value for name, value in bound.arguments.items() if inputs is None or name in inputs]
            carry(result, *chosen)
            return label_mixed(result, mixed) if mixed else result

        return wrapper

    return wrap(func) if func is not None else wrap


def tag(frame: Any, kind: str, source: str, *, citation: str | None = None, **extra: Any) -> Any:
    """Give a frame built in code (not read from a snapshot) its provenance record; returns it.

    ``kind`` is a data kind or ``reference`` (a table of the package's own vocabulary). The
    record has the fields of :func:`digimotor.snapshots.load`'s where they apply: ``kind``,
    ``source``, ``snapshot`` (default: ``source``), ``citation`` and any ``extra`` (``path`` …).
    """
    if kind not in (*DATA_KINDS, REFERENCE_KIND):
        raise DigimotorError(f"kind must be one of {', '.join(DATA_KINDS)}, not {kind!r}")
    frame.attrs[ATTR] = {"kind": kind, "source": source, "snapshot": extra.pop("snapshot", source),
                         "citation": citation, **extra}
    return frame


def label_mixed(frame: Any, why: str) -> Any:
    """Say explicitly that ``frame`` shows inputs of several kinds, labelled by the strictest one.

    An exhibit that mixes kinds on purpose (a synthetic ledger reconciled against published
    totals, a published-vs-reproduced comparison) calls this; :func:`kind_of` then returns the
    strictest kind (:data:`STRICTNESS`) instead of raising. ``why`` is kept with the label.
    """
    import dataclasses

    if not hasattr(frame, "attrs"):  # a dict, list, tuple or dataclass of frames: label each
        values = (frame.values() if isinstance(frame, dict) else frame if isinstance(frame, (list, tuple))
                  else [getattr(frame, f.name) for f in dataclasses.fields(frame)]
                  if dataclasses.is_dataclass(frame) and not isinstance(frame, type) else [])
        for value in values:
            label_mixed(value, why)
        return frame
    found = kinds(frame)
    if found:  # a frame built from bare inputs (tests, code) has nothing to label
        frame.attrs[MIXED_ATTR] = {"kinds": found, "label": strictest_kind(*found), "why": why}
    return frame


def is_reference(frame: Any) -> bool:
    """True if a frame carries only records of the package's reference tables (no data kind)."""
    found = _collect(frame)[0]
    return bool(found) and all(record.get("kind") == REFERENCE_KIND for record in found)


def kind_of(frame: Any, what: str = "the frame") -> str:
    """The one data kind of ``frame``, read from its provenance.

    Raises
    ------
    DigimotorError
        If the frame carries no provenance, or carries several kinds and was not labelled
        explicitly with :func:`label_mixed`.
    """
    found = kinds(frame)
    if not found and is_reference(frame):
        raise DigimotorError(f"{what} is one of the package's reference tables: it has no data kind")
    if not found:
        raise DigimotorError(
            f"{what} carries no provenance (frame.attrs['provenance']), so its data kind is unknown",
            hint="load data with a digimotor.sources load_* function and keep it through metrics "
            "(provenance.carry), or give a frame built in code its kind with provenance.tag",
        )
    if len(found) > 1:
        mixed = _collect(frame)[1]
        if mixed and set(found) <= set(mixed.get("kinds", ())):
            return str(mixed["label"])
        raise DigimotorError(
            f"{what} mixes data kinds ({', '.join(found)}); one kind label cannot describe it",
            hint="show the kinds apart, or say explicitly that the exhibit mixes them with provenance.label_mixed",
        )
    return found[0]


def kind_and_source(frame: Any, source: str | None = None, what: str = "the frame") -> tuple[str, str | None]:
    """A figure's data kind and source line: :func:`kind_of` the frame, and ``source`` as given
    or else the frame's own (:func:`source_of`)."""
    return kind_of(frame, what), source if source is not None else source_of(frame)


def source_of(frame: Any) -> str | None:
    """The citation (published data) or snapshot path of a frame's provenance, for a source line."""
    found = _collect(frame)[0]
    lines = [str(r.get("citation") or r.get("path") or r.get("source")) for r in found]
    return ", ".join(dict.fromkeys(lines)) or None
