"""`tradegame serve [TARGET]`: the classroom page, live, in a browser.

Starts the Flask app of `cli.web` on waitress (a production WSGI server with a pool of
threads, so a whole class's browsers are served at once), on 127.0.0.1 and a free port
unless told otherwise, and opens the page in the default browser. Both libraries are the
optional `serve` extra, imported only when the command runs.
"""

from __future__ import annotations

from typing import Optional

import typer

#: worker threads: each request is short (a solve of a small game, or a picture)
THREADS = 16
#: open connections: a browser keeps several alive per page (up to six), so a class of 50
#: holds 100–300; waitress's default of 100 would leave later students waiting
CONNECTION_LIMIT = 500
#: seconds an idle connection is kept (waitress's default is 120)
IDLE_SECONDS = 60
#: the page sends short GET requests: a URL of every parameter is under 2 KB
MAX_HEADER_BYTES = 32_768
#: and no body (waitress reads a body before the app sees the request; this caps it)
MAX_BODY_BYTES = 16_384


def _require_extra() -> None:
    """Fail in one line (exit 2) when Flask or waitress is missing."""
    from games.errors import InputError

    missing = []
    for module in ("flask", "waitress"):
        try:
            __import__(module)
        except ModuleNotFoundError:
            missing.append(module)
    if missing:
        raise InputError(
            f"tradegame serve: {' and '.join(missing)} not installed; install the extra: pip install 'tradegame[serve]'"
        )


def page_url(host: str, port: int) -> str:
    """The URL to open: a wildcard host is reached through localhost on this machine."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def network_address() -> str | None:
    """This machine's address on the local network, or None if it has none.

    Connecting a UDP socket sends nothing; it only asks the system which interface would
    route to a private address.
    """
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.254.254.254", 9))
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def make_server(target: str | None, host: str, port: int, threads: int = THREADS):
    """A waitress server for the page (not yet running); port 0 picks a free port."""
    import logging

    from waitress.server import create_server

    from cli.web import create_app

    app = create_app(target)
    # waitress warns "Task queue depth is N" for every request that waits for a thread: a
    # class moving sliders together would fill the teacher's terminal with it
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # bigger requests are refused by waitress itself: 431 (headers, URL) or 413 (body)
    return create_server(app, host=host, port=port, threads=threads, ident="tradegame",
                         max_request_header_size=MAX_HEADER_BYTES, max_request_body_size=MAX_BODY_BYTES,
                         connection_limit=CONNECTION_LIMIT, channel_timeout=IDLE_SECONDS,
                         asyncore_use_poll=True)  # select() cannot watch descriptors past 1023


def run_in_thread(server):
    """Run a server from `make_server` on a daemon thread; return a function that stops it.

    Stopping lets requests in flight finish, then closes every socket the server's loop
    watches, so the loop ends on its own (for tests and for programs that embed the page).
    """
    import threading

    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True, name="tradegame-serve")
    thread.start()

    def stop() -> None:
        stopping.set()
        server.task_dispatcher.shutdown(timeout=30)
        for channel in list(server._map.values()):
            channel.handle_close()
        thread.join(timeout=10)

    return stop


def register(app: typer.Typer) -> None:
    """Add the `serve` command to the tradegame app."""

    @app.command(short_help="Serve the classroom page: sliders with live answers.")
    def serve(
        target: Optional[str] = typer.Argument(
            None, help="Scenario to open first: a built-in name or a scenario .toml. Default: baseline.",
            show_default=False,
        ),
        host: str = typer.Option(
            "127.0.0.1", "--host",
            help="Address to listen on; 0.0.0.0 lets other machines on the classroom network open the page.",
        ),
        port: int = typer.Option(0, "--port", help="Port to listen on (0: any free port)."),
        no_browser: bool = typer.Option(False, "--no-browser", help="Do not open the page in a browser."),
    ) -> None:
        """Serve the classroom page: sliders for every parameter, the matrix, equilibria,
        explanation, thresholds, regime map and pictures, all updating as a slider moves.

        Examples:

          tradegame serve

          tradegame serve stockholm-2025 --no-browser

          tradegame serve --host 0.0.0.0 --port 8000
        """
        from cli.app import guarded

        def start():
            from games.errors import InputError

            _require_extra()
            if not 0 <= port <= 65535:
                raise InputError(f"option --port: expected 0 to 65535, got {port}")
            from games.errors import clip

            try:
                server = make_server(target, host, port)
            except InputError:  # a bad scenario: its own message
                raise
            except OSError as exc:  # address in use, not this machine's, no permission
                raise InputError(
                    f"option --host/--port: cannot listen on {clip(host)}:{port} ({exc.strerror or exc})"
                ) from None
            except ValueError:  # waitress: not an address at all
                raise InputError(f"option --host: expected an address such as 127.0.0.1 or 0.0.0.0, got '{clip(host)}'") from None
            return server

        server = guarded(start)
        url = page_url(host, server.effective_port)
        typer.echo(f"tradegame: serving the classroom page at {url} (Ctrl+C to stop)")
        if host not in ("127.0.0.1", "localhost", "::1"):
            address = network_address() if host in ("0.0.0.0", "", "::") else host
            where = f"http://{address}:{server.effective_port}/" if address else (
                f"this machine's network address, port {server.effective_port}")
            typer.echo(
                f"tradegame: listening on {host or 'every address'}: the page is reachable on the classroom network "
                f"at {where} — students open that address; there is no password, so stop the server after class"
            )
        if not no_browser:
            import webbrowser

            webbrowser.open(url)
        try:
            server.run()
        except KeyboardInterrupt:
            typer.echo("tradegame: stopped")
        finally:
            server.close()
