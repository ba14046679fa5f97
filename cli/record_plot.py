"""The picture of `tradegame infer --plot A,B`: the identified set over two parameters."""

from __future__ import annotations

from pathlib import Path


def draw_set(polygon, pair, rc, output: Path, force: bool) -> None:
    """Shade the set's shadow on two parameters and mark the judgement values."""
    import io

    from cli.plots import check_output

    suffix = "." + check_output(Path(output), force)
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
    from cli.outfiles import write_output  # regular files only, exclusive unless --force, umask mode

    write_output(Path(output), buf.getvalue(), force)
