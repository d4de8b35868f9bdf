"""`version` ⇄ ETag, and the conditional request headers (If-Match, If-None-Match).

A resource's ETag is `"<version>-<digest>"`: its stored `version`, then a digest of the
representation sent. The representation holds computed fields (a project's `health`) that
change while the stored row does not, so the digest makes the ETag change whenever anything
shown changes, and a 304 never hides a changed answer. A write's `If-Match` compares only the
version (the part before `-`): what a writer must not overwrite is a newer stored row, and a
computed field moving (a day passing) must never fail a write with 412. A bare `"<version>"`
is accepted by `If-Match` too."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from starlette.requests import Request

from pmo_api.core.errors import PreconditionFailed


def etag(version: int) -> str:
    """The tag of a version alone (what `If-Match` compares; a baseline's number)."""
    return f'"{version}"'


def representation_etag(version: int, content: bytes | memoryview) -> str:
    """The ETag of a resource's representation: its version and a digest of `content`."""
    return f'"{version}-{hashlib.blake2b(content, digest_size=8).hexdigest()}"'


def _tags(header: str) -> list[str]:
    # A weak validator (W/"3") names the same version for our purposes.
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def _version_tag(tag: str) -> str:
    """`"3-ab12…"` → `"3"`: the version a representation's ETag names."""
    if not tag.startswith('"'):
        return tag  # not a tag we make: matches nothing
    return '"' + tag.strip('"').partition("-")[0] + '"'


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
        return cls() if "*" in tags else cls(frozenset(_version_tag(t) for t in tags))

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


def not_modified(request: Request, tag: str) -> bool:
    """If-None-Match names `tag` (the current representation's ETag), or `*`."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = _tags(header)
    return "*" in tags or tag in tags
