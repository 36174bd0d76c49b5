"""AWS credentials for Dataflow workers from their Google identity, with no stored keys.

An AWS `credential_process` (the image's AWS_CONFIG_FILE names it), so boto3 finds it through
its standard credential chain:

    [default]
    credential_process = python /opt/newswire/aws_credentials.py arn:aws:iam::ACCOUNT:role/NAME

It asks the GCE metadata server for an OpenID Connect token of the worker's service account
(audience: the role ARN) and exchanges it with AWS STS AssumeRoleWithWebIdentity for one
hour's credentials, printed on stdout in the credential_process format (botocore reads them;
nothing is logged). The role trusts accounts.google.com for that service account only:
deploy/security/aws-role-trust-gcp.json.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import urllib.request

METADATA_TOKEN_URL = (
    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/"
    "identity?format=full&audience="
)


def google_id_token(audience: str, timeout: float = 10.0) -> str:
    request = urllib.request.Request(
        METADATA_TOKEN_URL + urllib.parse.quote(audience, safe=""),
        headers={"Metadata-Flavor": "Google"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return str(response.read().decode("ascii"))


def assume_role(role_arn: str, token: str) -> dict[str, object]:
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    # Unsigned: this call is what produces credentials (signing would recurse into this chain).
    sts = boto3.session.Session().client(
        "sts",
        region_name=os.environ.get("AWS_REGION") or "us-east-1",
        config=Config(signature_version=UNSIGNED),
    )
    creds = sts.assume_role_with_web_identity(
        RoleArn=role_arn,
        RoleSessionName="newswire-dataflow",
        WebIdentityToken=token,
        DurationSeconds=3600,
    )["Credentials"]
    return {
        "Version": 1,
        "AccessKeyId": creds["AccessKeyId"],
        "SecretAccessKey": creds["SecretAccessKey"],
        "SessionToken": creds["SessionToken"],
        "Expiration": creds["Expiration"].isoformat(),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: aws_credentials.py ROLE_ARN", file=sys.stderr)
        return 2
    role_arn = argv[0]
    json.dump(assume_role(role_arn, google_id_token(role_arn)), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
