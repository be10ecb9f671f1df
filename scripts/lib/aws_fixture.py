#!/usr/bin/env python3
"""The AWS side of a deploy test, on a local S3/SSM server (moto): what the operator puts there
before `terraform apply`, and what a test reads back.

    aws_fixture.py ENDPOINT seed BUCKET TOKEN_PARAMETER TOKEN_FILE
        the bucket, and the webhook token as a SecureString, as the deploy steps have the operator
        make them (the release goes in with scripts/publish.sh)
    aws_fixture.py ENDPOINT settings BUCKET PREFIX FILE PARAMETER
        what Terraform's settings resources do: FILE as PREFIX/settings/SHA256.yml, and PARAMETER
        (a String) set to "s3://BUCKET/KEY SHA256"
    aws_fixture.py ENDPOINT put-secret NAME FILE
        stores FILE's bytes, exactly, as a SecureString (a service's secret, registry credentials)
    aws_fixture.py ENDPOINT object BUCKET KEY
        prints the object's bytes, or nothing when there is none
    aws_fixture.py ENDPOINT parameter NAME
        prints {"value": ..., "version": N} for a parameter, or {} when there is none
"""
import hashlib
import json
import sys

import boto3


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed(endpoint, bucket, token_parameter, token_file):
    client("s3", endpoint).create_bucket(Bucket=bucket)
    with open(token_file) as token:
        client("ssm", endpoint).put_parameter(Name=token_parameter, Value=token.read().strip(), Type="SecureString")


def settings(endpoint, bucket, prefix, path, parameter):
    with open(path, "rb") as rendered:
        sha = hashlib.sha256(rendered.read()).hexdigest()
    key = f"{prefix}/settings/{sha}.yml"
    client("s3", endpoint).upload_file(path, bucket, key)
    client("ssm", endpoint).put_parameter(Name=parameter, Value=f"s3://{bucket}/{key} {sha}", Type="String", Overwrite=True)


def put_secret(endpoint, name, path):
    with open(path) as secret:
        client("ssm", endpoint).put_parameter(Name=name, Value=secret.read(), Type="SecureString")


def get_object(endpoint, bucket, key):
    s3 = client("s3", endpoint)
    try:
        sys.stdout.buffer.write(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        pass


def parameter(endpoint, name):
    ssm = client("ssm", endpoint)
    try:
        found = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    except ssm.exceptions.ParameterNotFound:
        print("{}")
        return
    print(json.dumps({"value": found["Value"], "version": found["Version"]}))


if __name__ == "__main__":
    endpoint, command, arguments = sys.argv[1], sys.argv[2], sys.argv[3:]
    {"seed": seed, "settings": settings, "object": get_object, "put-secret": put_secret, "parameter": parameter}[command](endpoint, *arguments)
