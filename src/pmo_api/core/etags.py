"""`version` ⇄ ETag, and the conditional request headers (If-Match, If-None-Match)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from pmo_api.core.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


def _tags(header: str) -> list[str]:
    # A weak validator (W/"3") names the same version for our purposes.
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


@dataclass(frozen=True)
class Precondition:
    """What a write demands of the current version: the request's If-Match, or GraphQL's
    `expectedVersion`. Services check it against the row they locked."""

    tags: frozenset[str] | None = None  # None: no demand (no If-Match, or `*`)

    @classmethod
    def from_request(cls, request: Request) -> Precondition:
        header = request.headers.get("if-match")
        if header is None:
            return cls()
        tags = frozenset(_tags(header))
        return cls() if "*" in tags else cls(tags)

    @classmethod
    def of_version(cls, version: int | None) -> Precondition:
        return cls() if version is None else cls(frozenset({etag(version)}))

    def check(self, version: int) -> None:
        if self.tags is not None and etag(version) not in self.tags:
            demanded = ", ".join(sorted(self.tags))
            raise PreconditionFailed(
                f"the request demanded version {demanded} but the current version is "
                f"{etag(version)}; read the resource again and reapply your change"
            )


NO_PRECONDITION = Precondition()


def not_modified(request: Request, version: int) -> bool:
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = _tags(header)
    return "*" in tags or etag(version) in tags
