"""Running the application under uvicorn, with one or several HTTP worker processes."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

from starlette.applications import Starlette

from .app import create_app
from .config import ServerConfig

CONFIG_ENV = "SDGLOD_SERVER_CONFIG"


def app_from_environment() -> Starlette:
    """The app for uvicorn's worker processes: the configuration travels in the environment."""
    values = json.loads(os.environ[CONFIG_ENV])
    values["project_root"] = Path(values["project_root"])
    values["allowed_services"] = tuple(values["allowed_services"])
    return create_app(ServerConfig(**values))


def run(config: ServerConfig, host: str, port: int, workers: int = 1) -> None:
    """Serve until interrupted."""
    import uvicorn

    if workers <= 1:
        uvicorn.run(create_app(config), host=host, port=port, log_level="info")
        return
    values = dataclasses.asdict(config)
    values["project_root"] = str(config.project_root)
    os.environ[CONFIG_ENV] = json.dumps(values)
    uvicorn.run(
        "sdglod.web.server:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
