"""Real nginx and Apache processes on 127.0.0.1 serving a folder, for the static export's tests.

Each server runs from a configuration of its own in a folder of its own (pid file, logs, temporary
files): never the system configuration, never a port below 1024. :meth:`WebServer.start` picks a
free port and waits until the server answers; :meth:`WebServer.stop` stops that one process (the
master, which stops its workers). Started as root, the workers run as ``nobody``, so the served
folder must be readable by all.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import httpx
from oxigraph_server import HOST, free_port

READY_WITHIN = 15.0  # seconds a server may take to answer before start-up counts as failed
APACHE_MODULE_DIRS = (
    "/usr/lib/apache2/modules",
    "/usr/lib64/httpd/modules",
    "/usr/lib/httpd/modules",
)
# What the export's .htaccess needs (README): mod_rewrite, mod_headers, mod_mime; mod_dir for a
# folder's index.html, mod_authz_core for Require. An empty TypesConfig: the rules must name
# every media type themselves, not lean on the system's mime.types.
APACHE_MODULES = ("mpm_event", "authz_core", "rewrite", "headers", "mime", "dir")


def find_binary(name: str) -> Path | None:
    """``name`` on ``PATH`` or in ``/usr/sbin`` (not on a normal user's ``PATH``)."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    return Path(found) if found else None


def _worker_user() -> tuple[str, str] | None:
    """The user and group workers run as when the server starts as root, else ``None``."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam("nobody")
    return nobody.pw_name, grp.getgrgid(nobody.pw_gid).gr_name


class WebServer:
    """A web server process serving ``site`` (its document root), configured in ``folder``."""

    name = ""
    binary_names: tuple[str, ...] = ()  # the executable's names, most usual first

    def __init__(self, site: Path, folder: Path):
        self.site = site
        self.folder = folder
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log = folder / "server.log"  # the process's stdout and stderr
        self.error_log = folder / "error.log"

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def binary(self) -> Path:
        """The server's executable; a RuntimeError if it is not installed."""
        for name in self.binary_names:
            found = find_binary(name)
            if found is not None:
                return found
        raise RuntimeError(f"{self.binary_names[0]} is not installed (make servers installs it)")

    def config(self) -> Path:
        """Write the configuration for :attr:`port`; its path."""
        raise NotImplementedError

    def command(self, config: Path) -> list[str]:
        raise NotImplementedError

    def start(self, attempts: int = 3, port: int | None = None) -> WebServer:
        """Start on ``port`` (one attempt), or on a free port, retrying if it was taken; wait
        until it answers."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(1 if port else attempts):
            self.port = port or free_port()
            with self.log.open("ab") as log:
                self.process = subprocess.Popen(
                    self.command(self.config()),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.folder,
                )
            if self._wait_until_ready():
                return self
            self.stop()
        raise RuntimeError(f"{self.name} did not start:\n{self.logs()}")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + READY_WITHIN
        with httpx.Client(trust_env=False, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.process is None or self.process.poll() is not None:
                    return False  # exited, e.g. the port was taken in the meantime
                try:
                    client.get(self.base_url + "/robots.txt")
                    return True
                except httpx.TransportError:
                    time.sleep(0.05)
        return False

    def logs(self) -> str:
        """The server's output and error log, for a failure message."""
        return "\n".join(
            file.read_text(errors="replace") for file in (self.log, self.error_log) if file.exists()
        )

    def stop(self) -> None:
        """Stop the process this object started: politely, then for certain."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Nginx(WebServer):
    """nginx with the export's ``nginx.conf`` included in its ``server`` block, as the README
    says to deploy it."""

    name = "nginx"
    binary_names = ("nginx",)

    def config(self) -> Path:
        return self.write_config(
            f"""    server {{
        listen {HOST}:{self.port};
        server_name localhost;
        root {self.site};
        include {self.site}/nginx.conf;
    }}"""
        )

    def write_config(self, http: str, name: str = "nginx-test.conf") -> Path:
        """A configuration of its own (pid, logs, temporary files in :attr:`folder`) whose
        ``http`` block holds ``http``; its path."""
        worker = _worker_user()
        user = f"user {worker[0]} {worker[1]};" if worker else ""
        temp = self.folder / "temp"
        temp.mkdir(exist_ok=True)
        config = self.folder / name
        config.write_text(
            f"""{user}
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.error_log} warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{http}
}}
"""
        )
        return config

    def command(self, config: Path) -> list[str]:
        # -e: the compiled-in error log is a system path, opened before the configuration.
        return [
            str(self.binary()),
            *("-p", f"{self.folder}/", "-e", str(self.error_log), "-c", str(config)),
            *("-g", "daemon off;"),
        ]


class Apache(WebServer):
    """Apache httpd with ``AllowOverride All`` on the export, which brings its ``.htaccess``."""

    name = "Apache"
    binary_names = ("apache2", "httpd")

    @staticmethod
    def module(name: str) -> Path:
        """The shared object of Apache module ``name`` (e.g. ``rewrite``)."""
        for folder in APACHE_MODULE_DIRS:
            path = Path(folder) / f"mod_{name}.so"
            if path.is_file():
                return path
        raise RuntimeError(f"no Apache module mod_{name}.so in {', '.join(APACHE_MODULE_DIRS)}")

    def config(self) -> Path:
        worker = _worker_user()
        user = f"User {worker[0]}\nGroup {worker[1]}" if worker else ""
        modules = "\n".join(f"LoadModule {n}_module {self.module(n)}" for n in APACHE_MODULES)
        types = self.folder / "mime.types"
        types.write_text("")  # mod_mime needs a file; an empty one (see APACHE_MODULES)
        config = self.folder / "apache-test.conf"
        config.write_text(
            f"""ServerRoot "{self.folder}"
DefaultRuntimeDir "{self.folder}"
PidFile "{self.folder}/apache.pid"
ErrorLog "{self.error_log}"
LogLevel warn
Listen {HOST}:{self.port}
ServerName localhost
{modules}
TypesConfig "{types}"
{user}
StartServers 1
MinSpareThreads 1
MaxSpareThreads 16
ServerLimit 1
ThreadLimit 16
ThreadsPerChild 16
MaxRequestWorkers 16
KeepAliveTimeout 2
DocumentRoot "{self.site}"
DirectoryIndex index.html
# As Debian's apache2.conf: nothing outside the site, and no .htaccess to read over HTTP.
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{self.site}">
    AllowOverride All
    Require all granted
</Directory>
<Files ".ht*">
    Require all denied
</Files>
"""
        )
        return config

    def command(self, config: Path) -> list[str]:
        return [str(self.binary()), "-f", str(config), "-DFOREGROUND"]


SERVERS: dict[str, type[WebServer]] = {"nginx": Nginx, "apache": Apache}
