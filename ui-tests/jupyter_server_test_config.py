"""JupyterLab server for the Galata tests: no token, a fresh temp root."""

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 - provided by the traitlets config loader
configure_jupyter_server(c)
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.ServerApp.allow_root = True  # CI runs as root
