"""``floorwatch serve``: the web dashboard over the store, read-only unless given a token."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from floorwatch.cli.common import ConfigOption, app, state
from floorwatch.errors import ConfigError
from floorwatch.settings import resolve_db_path

__all__: list[str] = []


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on. Keep the default unless you mean it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help="Allow writes (adding and resolving claims) for requests that present this "
            "token (at least 8 characters). Without it the dashboard is read-only.",
        ),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Serve the web dashboard (pages, JSON twins, /openapi.json) over the store.

    The store is opened read-only for each page built and closed at once, so an ingest in
    another process can write between requests.
    """
    import uvicorn

    from floorwatch.risk import load_config
    from floorwatch.web import LOOPBACK_HOSTS, create_app

    if token is not None and len(token) < 8:
        raise ConfigError("--token must be at least 8 characters long.")
    db = resolve_db_path(state.db)
    allowed = list(LOOPBACK_HOSTS) if _is_loopback(host) else None
    risk_config = load_config(config)  # a bad file stops here, before the server starts
    web_app = create_app(db, token=token, allowed_hosts=allowed, warm=True, risk_config=risk_config)
    mode = "read-write with a token" if token else "read-only"
    typer.echo(f"floorwatch dashboard on http://{host}:{port}/ ({db}, {mode}); Ctrl+C stops it.")
    if not _is_loopback(host):
        typer.echo(
            "Warning: listening beyond this machine; put it behind HTTPS before sending a token.",
            err=True,
        )
    uvicorn.run(
        web_app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
    )
