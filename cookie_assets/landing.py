"""The landing zone where the shop uploads cohort files: a local folder, or S3 in production."""

from pathlib import Path
from typing import Any

from dagster import ConfigurableResource
from pydantic import Field


class LandingZone(ConfigurableResource):
    """Where the shop uploads customer and order files (`trial_customers/`, `orders/`, …)."""

    def list_files(self, folder: str) -> list[str]:
        """Paths (relative to the zone, e.g. `orders/2024-01-01_orders.csv`) in a folder."""
        raise NotImplementedError

    def read_bytes(self, path: str) -> bytes:
        raise NotImplementedError

    def describe(self, path: str) -> str:
        """The full location of a file, for messages."""
        raise NotImplementedError


class LocalLandingZone(LandingZone):
    """A local folder; demo cohorts are generated into it the first time it is used."""

    root: str = Field(description="The landing folder.")
    seed_demo_data: bool = Field(
        default=True, description="Generate demo cohorts and recent new customers if missing."
    )

    def _folder(self) -> Path:
        root = Path(self.root)
        if self.seed_demo_data:
            from cookie_assets.generator import seed_landing_folder

            seed_landing_folder(root)
        return root

    def list_files(self, folder: str) -> list[str]:
        base = self._folder() / folder
        return sorted(f"{folder}/{p.name}" for p in base.glob("*") if p.is_file())

    def read_bytes(self, path: str) -> bytes:
        return (self._folder() / path).read_bytes()

    def describe(self, path: str) -> str:
        return str(Path(self.root) / path)


class S3LandingZone(LandingZone):
    """An S3 bucket and prefix, read through dagster-aws's S3Resource."""

    bucket: str = Field(description="Bucket of the landing zone.")
    prefix: str = Field(default="", description="Key prefix of the landing zone.")
    endpoint_url: str | None = Field(default=None, description="S3 API endpoint (tests: moto).")
    region_name: str | None = Field(default=None, description="AWS region of the bucket.")

    def _client(self) -> Any:
        from dagster_aws.s3 import S3Resource

        return S3Resource(endpoint_url=self.endpoint_url, region_name=self.region_name).get_client()

    def _key(self, path: str) -> str:
        prefix = self.prefix.strip("/")
        return f"{prefix}/{path}" if prefix else path

    def list_files(self, folder: str) -> list[str]:
        start = self._key(folder.strip("/") + "/")
        pages = (
            self._client()
            .get_paginator("list_objects_v2")
            .paginate(Bucket=self.bucket, Prefix=start)
        )
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
        return sorted(
            f"{folder}/{key[len(start) :]}" for key in keys if "/" not in key[len(start) :]
        )

    def read_bytes(self, path: str) -> bytes:
        return self._client().get_object(Bucket=self.bucket, Key=self._key(path))["Body"].read()

    def describe(self, path: str) -> str:
        return f"s3://{self.bucket}/{self._key(path)}"
