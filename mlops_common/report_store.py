"""Where reports are kept for readers: a local folder, or S3 in production (never a run
worker's disk, which an alert's reader cannot open)."""

from pathlib import Path
from urllib.parse import quote

from dagster import ConfigurableResource
from pydantic import Field


class ReportStore(ConfigurableResource):
    """Saves a report's files; `save` returns (location, link a person can open or None)."""

    def save(self, name: str, content: bytes) -> tuple[str, str | None]:
        raise NotImplementedError


class LocalReportStore(ReportStore):
    folder: str = Field(description="Folder the reports are written to.")

    def save(self, name: str, content: bytes) -> tuple[str, str | None]:
        path = Path(self.folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(content)
        temporary.replace(path)
        return str(path), None


class S3ReportStore(ReportStore):
    """An S3 bucket and prefix through dagster-aws; links open the object in the AWS console."""

    bucket: str = Field(description="Bucket the reports are stored in.")
    prefix: str = Field(default="", description="Key prefix inside the bucket.")
    endpoint_url: str | None = Field(default=None, description="S3 API endpoint (tests: moto).")
    region_name: str | None = Field(default=None, description="AWS region of the bucket.")

    def save(self, name: str, content: bytes) -> tuple[str, str | None]:
        from dagster_aws.s3 import S3Resource

        key = f"{self.prefix.strip('/')}/{name}" if self.prefix.strip("/") else name
        client = S3Resource(endpoint_url=self.endpoint_url, region_name=self.region_name)
        client.get_client().put_object(Bucket=self.bucket, Key=key, Body=content)
        console = (
            f"https://s3.console.aws.amazon.com/s3/object/{quote(self.bucket)}"
            f"?prefix={quote(key, safe='')}"
        )
        return f"s3://{self.bucket}/{key}", console
