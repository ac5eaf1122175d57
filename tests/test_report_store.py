"""Reports stored where a reader can open them: S3 in production, here a moto S3 server."""

import boto3

from mlops_common.report_store import S3ReportStore


def test_reports_are_stored_in_s3_and_linked_through_the_console(moto_s3):
    boto3.client("s3", endpoint_url=moto_s3, region_name="us-east-1").create_bucket(
        Bucket="finops-reports"
    )
    store = S3ReportStore(bucket="finops-reports", prefix="snowpatrol/", endpoint_url=moto_s3)
    location, link = store.save("anomaly_report_2026-06-02.md", b"# report")
    assert location == "s3://finops-reports/snowpatrol/anomaly_report_2026-06-02.md"
    assert link.startswith("https://s3.console.aws.amazon.com/s3/object/finops-reports?prefix=")
    body = (
        boto3.client("s3", endpoint_url=moto_s3, region_name="us-east-1")
        .get_object(Bucket="finops-reports", Key="snowpatrol/anomaly_report_2026-06-02.md")["Body"]
        .read()
    )
    assert body == b"# report"
