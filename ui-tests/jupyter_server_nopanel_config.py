"""JupyterLab server for nopanel.spec.ts: the Galata test server on port
8889 with the traincurves extension disabled (``nopanel/labconfig``, put on
the config path by playwright.config.js), as VS Code or Colab show outputs:
the static picture, no interactive panel."""

from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 - provided by the traitlets config loader
configure_jupyter_server(c)
c.ServerApp.port = 8889
c.ServerApp.port_retries = 0  # another port would not be the one the tests open
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.ServerApp.allow_root = True  # CI runs as root
assert (Path(__file__).parent / "nopanel" / "labconfig" / "page_config.json").is_file()
