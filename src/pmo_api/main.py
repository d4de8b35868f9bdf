"""The ASGI application for servers (`uvicorn pmo_api.main:app`), built from the environment."""

from pmo_api.app import create_app

app = create_app()
