"""Deployed as people deploy it: a wheel built from the checkout, installed into a fresh virtualenv
outside it, run from an empty folder. Every page a reader reaches answers 200, the data and index
land in that folder, and nothing is read from the checkout."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from ..conftest import REPO_ROOT

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a new virtualenv

PAGES = ["/", "/?q=conscription+Hama", "/place/SY05", "/actor/sdf", "/stats", "/feed.atom",
         "/export.csv?q=Hama", "/api/search?q=Hama", "/static/style.css", "/?ui=ar&q=%D8%AA%D8%AC%D9%86%D9%8A%D8%AF"]


def _run(command: list, **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **options)
    assert result.returncode == 0, f"{command}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8-sig")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv, site folder): the wheel installed in a new venv, the demo loaded in the site folder."""
    root = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(REPO_ROOT)])
    wheel = next((root / "dist").glob("search_app-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "search_app/web/templates/error.html" in names and "search_app/web/static/style.css" in names
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)])
    site = root / "site"
    site.mkdir()
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("SEARCH_APP_", "PYTHON"))}
    _run([str(venv / "bin" / "search-app"), "demo", "--no-serve"], cwd=site, env=environment)
    return venv, site, environment


def test_the_installed_package_is_not_the_checkout(installed):
    venv, site, environment = installed
    found = _run([str(venv / "bin" / "python"), "-c", "import search_app; print(search_app.__file__)"],
                 cwd=site, env=environment).stdout.strip()
    assert Path(found).is_relative_to(venv) and not Path(found).is_relative_to(REPO_ROOT)


def test_data_and_index_live_in_the_working_directory(installed):
    venv, site, environment = installed
    assert (site / "data" / "articles.sqlite3").is_file() and (site / "index" / "current").exists()
    shown = _run([str(venv / "bin" / "search-app"), "settings"], cwd=site, env=environment).stdout
    assert re.search(rf"SEARCH_APP_DATA_DIR\s+{re.escape(str(site.resolve() / 'data'))}\s", shown)
    assert not any(venv.rglob("articles.sqlite3"))


def test_every_page_answers_from_the_wheel_install(installed):
    venv, site, environment = installed
    port = _free_port()
    server = subprocess.Popen([str(venv / "bin" / "search-app"), "serve"], cwd=site,
                              env={**environment, "SEARCH_APP_PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _get(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
                time.sleep(0.3)
        status, listing = _get(base + "/?q=conscription+Hama")
        article = re.search(r'href="(/article/[^"?]+)', listing).group(1)  # its own address, without the search
        for page in PAGES + [article, article.replace("/article/", "/api/article/")]:
            status, body = _get(base + page)
            assert status == 200, f"{page}: {status} {body[:300]}"
        assert "<mark" in listing and 'dir="rtl"' in _get(base + PAGES[-1])[1]
        status, body = _get(base + "/no/such/page")
        assert status == 404 and "</html>" in body  # the error page renders from the package too
    finally:
        server.terminate()
        server.wait(timeout=30)
