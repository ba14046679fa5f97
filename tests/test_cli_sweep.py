"""`tradegame sweep` through typer's test runner (on a tiny app built with register())."""

from __future__ import annotations

import csv
import io
import os
import time
import json

import pytest
import typer
from typer.testing import CliRunner

from cli.sweep_cmd import register


@pytest.fixture(scope="module")
def app():
    app = typer.Typer(add_completion=False)

    @app.callback()
    def main() -> None:  # a group, so `sweep` is a subcommand as in the real app
        pass

    register(app)
    return app


def run(app, *args):
    return CliRunner().invoke(app, ["sweep", *args])


def test_help_has_summary_and_examples(app):
    result = CliRunner().invoke(app, ["--help"])
    assert "sweep" in result.output and "regimes" in result.output
    result = run(app, "--help")
    assert result.exit_code == 0
    assert "Examples" in result.output and "--vary re_dependence=0:10:101" in result.output


def test_text_summary_with_exact_boundaries(app):
    result = run(app, "stockholm-2025", "--vary", "hawk_cost=0:10:101")
    assert result.exit_code == 0, result.output
    assert "deal only" in result.output and "conflict only" in result.output
    # thresholds 0.9 and 6.6 (independently: zero crossings of the US incentives)
    from games import trade
    from games.model.scenarios import load

    p = dict(load("stockholm-2025").parameters)
    lines = [l for l in result.output.splitlines() if l.strip().startswith("hawk_cost =")]
    assert len(lines) == 2
    for line in lines:
        value = float(line.split("=")[1].split(":")[0])
        p["hawk_cost"] = value
        assert min(abs(v) for v in trade.incentives(p).values()) < 1e-9


def test_a_regime_at_the_end_of_the_range_is_not_called_the_same_regime(app):
    # brinkmanship (stake 4): mutual escalation is the only pure equilibrium while war < 4;
    # at war = 4 each side is indifferent and backing down is an equilibrium too. On
    # war = 0..4 that regime holds only at the grid's last point: no boundary inside the
    # range, but not "the same regime across the range" either.
    result = run(app, "brinkmanship", "--vary", "war=0:4:5")
    assert result.exit_code == 0, result.output
    assert "the regime is the same across the range" not in result.output
    assert ("Boundaries: none inside the range; (Hold, Escalate) + (Escalate, Hold) + "
            "(Escalate, Escalate) holds only at war = 4.") in result.output
    result = run(app, "brinkmanship", "--vary", "war=0:3:4")
    assert "Boundaries: none; the regime is the same across the range." in result.output


def test_two_parameter_summary_names_the_boundary_lines(app):
    # stockholm-2025: the US's incentives to relax are 0.9 − hawk_cost (China restricts) and
    # 3 + 0.6·re_dependence − hawk_cost (China supplies), read off the payoff formulas
    args = ["stockholm-2025", "--vary", "re_dependence=0:10:21", "--vary", "hawk_cost=0:5:21"]
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    assert "hawk_cost = 0.9: the US's gain from relaxing when China restricts is 0" in result.output
    assert "re_dependence = 1.66667·hawk_cost − 5: the US's gain from relaxing when China supplies is 0" in result.output
    data = json.loads(run(app, *args, "-f", "json").output)["sweep"]
    curves = {c["incentive"]: c for c in data["boundary_curves"]}
    assert curves["us_vs_supply"]["coefficients"] == pytest.approx([3.0, 0.6, -1.0, 0.0])
    assert curves["us_vs_supply"]["sides"] == [{"negative": "conflict only", "positive": "both"}]


def test_progress_bar_only_for_long_runs_on_a_terminal(monkeypatch):
    from cli import sweep_cmd
    from games.sweeps import sweep as sw
    from games.model.scenarios import load

    base = dict(load("baseline").parameters)
    long_run = sw.make_spec(base, vary=["leverage=0:10:1000", "hawk_cost=0:5:1000"])
    short = sw.make_spec(base, vary=["leverage=0:10:1000"])
    monkeypatch.setattr(sweep_cmd.sys.stderr, "isatty", lambda: True, raising=False)
    with sweep_cmd._progress(long_run) as bar:
        assert bar is not None
        bar(10, long_run.n_points)
    with sweep_cmd._progress(short) as bar:
        assert bar is None
    monkeypatch.setattr(sweep_cmd.sys.stderr, "isatty", lambda: False, raising=False)
    with sweep_cmd._progress(long_run) as bar:
        assert bar is None


def test_csv_has_one_row_per_point(app):
    result = run(app, "--vary", "leverage=0:10:11", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 11
    assert rows[0]["regime"] == "deal only" and rows[-1]["regime"] == "conflict only"
    assert int(rows[5]["n_equilibria"]) == 3  # leverage 5: deal, conflict and a mixed equilibrium


def test_json_output(app):
    result = run(app, "--vary", "leverage=0:10:5", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["sweep"]["points"] == 5 and len(data["points"]) == 5
    assert {"regime", "values", "equilibria"} <= set(data["points"][0])
    eq = data["points"][0]["equilibria"][0]
    assert len(eq["profile"]) == 2 and len(eq["payoffs"]) == 2
    assert data["game"]["players"] == ["US", "China"]


def test_monte_carlo_and_graded(app):
    result = run(app, "--sample", "500", "--dist", "re_dependence=uniform:3:8", "--seed", "1")
    assert result.exit_code == 0 and "95% CI" in result.output
    result = run(app, "--game", "graded", "--levels", "3", "--vary", "leverage=0:10:6", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == 7


def test_output_file_is_not_overwritten_without_force(app, tmp_path):
    out = tmp_path / "s.csv"
    assert run(app, "--vary", "leverage=0:10:3", "-f", "csv", "-o", str(out)).exit_code == 0
    first = out.read_text()
    assert first.startswith("leverage,regime")
    result = run(app, "--vary", "leverage=0:10:5", "-f", "csv", "-o", str(out))
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_text() == first
    assert run(app, "--vary", "leverage=0:10:5", "-f", "csv", "-o", str(out), "--force").exit_code == 0
    assert len(out.read_text().splitlines()) == 6
    assert [p.name for p in tmp_path.iterdir()] == ["s.csv"]  # no temporary files left


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--vary", "nope=0:1:3"], "option --vary"),
        (["--vary", "leverage=0:99:3"], "option --vary"),
        (["--vary", "leverage=0:5"], "option --vary"),
        (["--sample", "10", "--dist", "leverage=cauchy:1:2"], "option --dist"),
        (["--vary", "leverage=0:5:3", "--format", "xml"], "option --format"),
        (["--vary", "leverage=0:5:3", "--workers", "0"], "option --workers"),
        (["--vary", "leverage=0:5:3", "--set", "leverage=2"], "option --set"),
        (["--vary", "leverage=0:5:3", "--game", "graded", "--levels", "500"], "option --levels"),
        (["--vary", "leverage=0:5:3", "--game", "graded", "--levels", "21"], "option --levels"),
        (["--vary", "leverage=5:1:0"], "option --vary"),
        (["--vary", "leverage=0:10:-3"], "option --vary"),
        (["--vary", "leverage=0:10:20000", "--vary", "hawk_cost=0:5:20000"], "option --vary"),
    ],
)
def test_bad_input_exits_2_with_one_line(app, args, needle):
    result = run(app, *args)
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_plot(app, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "map.png"
    result = run(app, "--vary", "leverage=0:10:21", "--vary", "hawk_cost=0:10:21", "--plot", str(png))
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_is_an_input_error(app, tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def fake(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", fake)
    result = run(app, "--vary", "leverage=0:10:3", "--plot", str(tmp_path / "m.png"))
    assert result.exit_code == 2 and "matplotlib" in result.output


def test_workers_give_the_same_output(app):
    one = run(app, "--vary", "leverage=0:10:11", "--vary", "hawk_cost=0:5:11", "-f", "csv")
    two = run(app, "--vary", "leverage=0:10:11", "--vary", "hawk_cost=0:5:11", "-f", "csv", "--workers", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.output == two.output


def test_registered_in_the_real_app():
    from cli.app import app as real

    result = CliRunner().invoke(real, ["sweep", "--vary", "leverage=0:10:11", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("leverage,regime,n_equilibria,equilibria")


def test_dask_local_cluster_gives_the_same_output(app, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    import tempfile

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    args = ["--vary", "leverage=0:10:21", "--vary", "hawk_cost=0:5:21", "-f", "csv"]
    local = run(app, *args)
    on_dask = run(app, *args, "--dask", "local", "--workers", "2")
    assert local.exit_code == on_dask.exit_code == 0, on_dask.output
    assert local.output == on_dask.output
    # the local cluster's spill folder is left neither in the working folder nor among
    # the temporary files
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- rows streamed to a file
@pytest.mark.parametrize("fmt, workers", [("csv", "1"), ("csv", "2"), ("json", "1"), ("json", "2")])
def test_a_file_holds_what_stdout_shows(app, tmp_path, fmt, workers):
    """CSV to a file is streamed straight into it (no spool), JSON through a byte spool:
    either way the file is byte for byte what stdout shows."""
    args = ["--vary", "leverage=0:10:21", "--vary", "hawk_cost=0:5:7", "-f", fmt, "--workers", workers]
    shown = run(app, *args)
    out = tmp_path / f"s.{fmt}"
    written = run(app, *args, "-o", str(out))
    assert shown.exit_code == written.exit_code == 0, shown.output + written.output
    assert out.read_text(encoding="utf-8") == shown.output
    assert len(shown.output.splitlines()) > 147 if fmt == "json" else len(shown.output.splitlines()) == 148


def test_a_model_file_sweep_to_a_file(app, tmp_path):
    """A model file's rows (its own strategy names, N players) take the same direct path."""
    from pathlib import Path

    model = Path(__file__).resolve().parent.parent / "examples" / "models" / "brinkmanship.toml"
    out = tmp_path / "m.csv"
    args = [str(model), "--vary", "stake=0:8:9", "-f", "csv"]
    shown = run(app, *args)
    assert shown.exit_code == 0, shown.output
    assert run(app, *args, "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == shown.output
    assert len(shown.output.splitlines()) == 10


def test_a_sweep_that_fails_midway_leaves_no_file(app, tmp_path, monkeypatch):
    """Rows already streamed into the temporary file are discarded when a later block fails:
    exit 1, one line, no output file and no temporary file left."""
    from games.sweeps import batch_2x2

    real = batch_2x2.candidates_verified
    calls = {"n": 0}

    def failing_later(A, B, keep_p=False):
        calls["n"] += 1
        c, ok = real(A, B, keep_p=keep_p)
        if calls["n"] > 1:
            ok = ok.copy()
            ok[0] = False
        return c, ok

    monkeypatch.setattr(batch_2x2, "candidates_verified", failing_later)
    out = tmp_path / "s.csv"
    result = run(app, "--vary", "leverage=0:10:2000", "--vary", "hawk_cost=0:5:1000", "-f", "csv", "-o", str(out))
    assert calls["n"] > 1
    assert result.exit_code == 1 and "failed verification" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["csv", "json", "text"])
@pytest.mark.parametrize("failure, words", [("verification", "failed verification"), ("killed", "worker process")])
def test_a_sweep_whose_started_process_fails_leaves_no_file_and_no_spool(app, tmp_path, monkeypatch, fmt, failure, words):
    """With --workers 2, a block that fails verification in the started process (which
    inherits the patch), or that process killed mid-sweep (say by the out-of-memory killer,
    losing the block it was solving), ends the sweep: exit 1, one line, no output, no worker
    spool left; never exit 0 with rows missing and their points counted as having no
    equilibrium."""
    import signal
    import tempfile

    from games.sweeps import batch, batch_2x2

    real = batch_2x2.candidates_verified

    def failing_in_the_started_process(A, B, keep_p=False):
        if os.getpid() == parent:
            time.sleep(0.05)  # this process slowly, so the started one surely takes a block
        elif failure == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        c, ok = real(A, B, keep_p=keep_p)
        if os.getpid() != parent:
            ok = ok.copy()
            ok[0] = False
        return c, ok

    parent = os.getpid()
    monkeypatch.setattr(batch, "CHUNK_2X2", 300)
    monkeypatch.setattr(batch_2x2, "candidates_verified", failing_in_the_started_process)
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    out = tmp_path / f"s.{fmt}"
    result = run(app, "--vary", "leverage=0:10:3000", "-f", fmt, "-o", str(out), "--workers", "2")
    assert result.exit_code == 1 and words in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"] and list(spools.iterdir()) == []


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, path, mode="r", *args, **kw):
        self.name = str(path)

    def tell(self):
        return 0

    def write(self, data):
        import errno

        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.name)

    def flush(self):
        pass

    def close(self):
        pass


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_full_temporary_folder_is_named_not_blamed_on_the_output(app, tmp_path, monkeypatch, fmt, workers):
    """Rows wait in the temporary folder (TMPDIR): when it is full the message says so
    (exit 1, one line, how to choose another folder), not 'cannot write --output' (exit 2,
    the output's folder may have room) nor an internal error to report."""
    import tempfile

    from cli import sweep_spool
    from games.sweeps import batch

    monkeypatch.setattr(batch, "CHUNK_2X2", 300)
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    monkeypatch.setattr(sweep_spool, "open", _FullDisk, raising=False)  # worker spool files
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: _FullDisk(spools / "spool"))  # this process's spool
    out = tmp_path / f"s.{fmt}"
    args = ["--vary", "leverage=0:10:3000", "-f", fmt, "--workers", workers]
    for where in (["-o", str(out)], []):
        result = run(app, *args, *where)
        if fmt == "csv" and workers == "1" and where:
            assert result.exit_code == 0  # streamed straight into the output: no spool at all
            out.unlink()
            continue
        assert result.exit_code == 1, result.output
        assert "temporary folder" in result.output and "TMPDIR" in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
        assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"] and list(spools.iterdir()) == []


def test_spooled_rows_copied_to_a_text_only_stream_keep_split_characters():
    """A character whose UTF-8 bytes straddle two copied chunks arrives whole."""
    from cli.sweep_spool import CHUNK, RowStore

    text = "x" * (CHUNK - 1) + "–after"  # the dash's three bytes start one byte before the chunk's end
    with RowStore() as store:
        store(text.encode("utf-8"))
        fh = io.StringIO()
        store.copy_to(fh)
    assert fh.getvalue() == text


def test_spooled_rows_are_appended_after_what_the_file_already_holds(tmp_path):
    """The spool goes to the end of a real file in the kernel (after the text already
    written through the file's buffers); a stream without a descriptor is not touched."""
    from cli.sweep_spool import RowStore, sent_in_kernel

    body = ("{\"values\": {\"x\": 0.5}, \"regime\": \"deal – only\"}" * 50_000).encode("utf-8")
    with RowStore(b",") as store:
        store(body)
        store(body)
        path = tmp_path / "out.json"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write("head:")
            store.copy_to(fh)
            fh.write(":tail")
        assert path.read_bytes() == b"head:" + body + b"," + body + b":tail"
        spool = tmp_path / "spool"
        spool.write_bytes(body)
        fd = os.open(spool, os.O_RDONLY)
        try:
            assert sent_in_kernel(fd, 0, len(body), io.BytesIO()) is False
        finally:
            os.close(fd)


def test_pieces_from_other_processes_spools_are_copied_in_order(tmp_path):
    """Rows a worker left in its spool file (a Piece: file, offset, length) are copied from
    there, in the order the sink got them, between rows given as bytes; into a file as they
    come (CSV's stream) or at the end, to a file, a binary stream or a text stream."""
    from cli.sweep_spool import Piece, RowStore, append_to_spool, close_spools

    directory = str(tmp_path)
    first = append_to_spool(directory, "a – 1\n".encode("utf-8"))
    second = append_to_spool(directory, b"b 2\n")
    close_spools(directory)
    assert first.path == second.path and second.offset == first.length
    expected = "head\nb 2\n;c 3\n;a – 1\n"
    for mode in ("stream", "file", "binary", "text"):
        out = tmp_path / f"out-{mode}"
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write("head\n")
            fh.flush()
            with RowStore(b";", out=fh.buffer if mode == "stream" else None) as store:
                for item in (second, b"", Piece(first.path, 0, 0), "c 3\n".encode(), first):
                    store(item)
                if mode == "file":
                    store.copy_to(fh)
                elif mode == "binary":
                    buf = io.BytesIO()
                    store.copy_to(buf)
                    fh.write(buf.getvalue().decode("utf-8"))
                elif mode == "text":
                    buf = io.StringIO()
                    store.copy_to(buf)
                    fh.write(buf.getvalue())
        assert out.read_text(encoding="utf-8") == expected, mode
