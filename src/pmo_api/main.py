"""The ASGI application for servers (`uvicorn pmo_api.main:app`), built from the environment."""

from pmo_api.app import create_app
from pmo_api.core.collector import tune_for_server

app = create_app()
tune_for_server()
