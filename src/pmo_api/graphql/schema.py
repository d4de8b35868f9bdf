from fastapi import APIRouter
from pmo_api.settings import Settings
def graphql_router(settings: Settings) -> APIRouter:
    return APIRouter()
