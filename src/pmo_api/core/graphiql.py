"""The GraphiQL page, with its assets served by pmo-api itself (no CDN), like /docs.

strawberry's own page loads React and GraphiQL from unpkg: a page that breaks offline and
trusts a third-party host with a page where users paste API keys. The assets come from the
`graphene-django-graphiql-static` wheel (pinned in requirements.lock; no dependencies, nothing
of Django imported: only its static folder is read), the page below is ours. Its one inline
script is allowed by hash (core/http_security.py), and the key typed into the headers editor
is not persisted in the browser's storage.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

ASSETS = "/graphql/assets"
ASSET_DIRECTORY = files("graphene_django_graphiql_static").joinpath(
    "static", "graphene_django_graphiql_static"
)

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>pmo-api — GraphiQL</title>
  <style>html, body, #graphiql {{ height: 100%; margin: 0; overflow: hidden; width: 100%; }}</style>
  <link rel="stylesheet" href="{ASSETS}/graphiql.min.css">
  <script src="{ASSETS}/react.production.min.js"></script>
  <script src="{ASSETS}/react-dom.production.min.js"></script>
  <script src="{ASSETS}/graphiql.min.js"></script>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: window.location.pathname }});
    ReactDOM.render(
      React.createElement(GraphiQL, {{
        fetcher: fetcher,
        headers: '{{"Authorization": "Bearer <your API key>"}}',
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
        defaultEditorToolsVisibility: "headers",
      }}),
      document.getElementById("graphiql"),
    );
  </script>
</body>
</html>
"""


def install(app: FastAPI) -> None:
    app.mount(ASSETS, StaticFiles(directory=str(ASSET_DIRECTORY)), name="graphiql-assets")
