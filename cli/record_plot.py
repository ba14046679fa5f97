"""The picture of `tradegame infer --plot A,B`: the identified set over two parameters."""

from __future__ import annotations

from pathlib import Path


def draw_set(polygon, pair, rc, output: Path, force: bool) -> None:
    """Shade the set's shadow on two parameters and mark the judgement values."""
    import io

    from games.errors import InputError

    suffix = Path(output).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InputError(f"option --output: expected a .png or .svg file, got '{output}'")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ModuleNotFoundError:
        from games.errors import SolverError

        raise SolverError("pictures need matplotlib (pip install 'tradegame[plot]')") from None
    a, b = pair
    ia, ib = rc.free.index(a), rc.free.index(b)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    if len(polygon) >= 3:
        xs, ys = zip(*polygon)
        ax.fill(xs, ys, color="#1f4e9c", alpha=0.3, label="consistent with the record")
        ax.plot(list(xs) + [xs[0]], list(ys) + [ys[0]], color="#1f4e9c")
    elif polygon:
        xs, ys = zip(*polygon)
        ax.plot(xs, ys, "o-", color="#1f4e9c", label="consistent with the record (a segment or point)")
    ax.plot([float(rc.judgement[ia])], [float(rc.judgement[ib])], "x", color="#b3261e", markersize=10,
            label="judgement values")
    ax.set_xlabel(a)
    ax.set_ylabel(b)
    ax.set_title("What must one believe? " + ", ".join(rc.episodes)[:70], fontsize=9)
    ax.legend(fontsize=8)
    buf = io.BytesIO() if suffix == ".png" else io.StringIO()
    fig.savefig(buf, format=suffix[1:], bbox_inches="tight")
    plt.close(fig)
    from cli.app import write_atomic

    if suffix == ".png":
        _write_bytes(Path(output), buf.getvalue(), force)
    else:
        write_atomic(Path(output), buf.getvalue(), force)


def _write_bytes(path: Path, data: bytes, force: bool) -> None:
    import os
    import tempfile

    from games.errors import InputError

    if path.exists() and not force:
        raise InputError(f"option --output: {path} exists; pass --force to overwrite it")
    if not path.parent.exists():
        raise InputError(f"option --output: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"option --output: cannot write {path} ({exc.strerror or exc})") from None
