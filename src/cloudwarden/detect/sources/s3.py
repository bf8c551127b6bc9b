"""Log files under an S3 prefix (CloudTrail's `AWSLogs/<account>/CloudTrail/<region>/...`,
VPC flow logs, S3 access logs, Route 53 Resolver logs), read one object at a time through an
injected boto3 session (and endpoint), each object's body streamed, never downloaded whole.
No boto3 import here: the caller owns the session, as collectors do."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from typing import Any, Protocol

__all__ = ["S3Object", "SessionLike", "iter_s3_objects", "split_s3_uri"]


class SessionLike(Protocol):
    def client(self, service_name: str, *args: Any, **kwargs: Any) -> Any: ...


class S3Object:
    """One object: its `s3://` URI and a lazily opened streaming body."""

    __slots__ = ("_client", "bucket", "key", "uri")

    def __init__(self, client: Any, bucket: str, key: str) -> None:
        self._client = client
        self.bucket, self.key = bucket, key
        self.uri = f"s3://{bucket}/{key}"

    def open(self) -> closing[Any]:
        body = self._client.get_object(Bucket=self.bucket, Key=self.key)["Body"]
        return closing(body)


def split_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"not an s3:// URI: {uri}")
    bucket, _, prefix = uri[5:].partition("/")
    if not bucket:
        raise ValueError(f"no bucket in {uri}")
    return bucket, prefix


def iter_s3_objects(
    uri: str, *, session: SessionLike, endpoint_url: str | None = None
) -> Iterator[S3Object]:
    """The objects under `s3://bucket/prefix`, in key order, skipping folder markers."""
    bucket, prefix = split_s3_uri(uri)
    client = session.client("s3", endpoint_url=endpoint_url)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            if not key.endswith("/") and item.get("Size", 1) > 0:
                yield S3Object(client, bucket, key)
