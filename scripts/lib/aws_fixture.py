#!/usr/bin/env python3
"""The AWS side of a deploy test, on a local S3/SSM server (moto): what the operator puts there
before `terraform apply`, and what a test reads back.

    aws_fixture.py ENDPOINT seed BUCKET PREFIX ARTIFACTS_DIR TOKEN_PARAMETER
        the bucket, the release's failoverd.deb, the demo image as image.tar and the service spec
        under PREFIX, and the webhook token (ARTIFACTS_DIR/webhook-token) as a SecureString, as
        the README's deploy steps and Terraform do
    aws_fixture.py ENDPOINT put-object BUCKET KEY FILE
        uploads FILE (a service spec Terraform would write) to an existing bucket
    aws_fixture.py ENDPOINT put-secret NAME FILE
        stores FILE's bytes, exactly, as a SecureString (a service's secret, registry credentials)
    aws_fixture.py ENDPOINT parameter NAME
        prints {"value": ..., "version": N} for a parameter, or {} when there is none
"""
import json
import os
import sys

import boto3


def client(service, endpoint):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed(endpoint, bucket, prefix, artifacts, token_parameter):
    s3 = client("s3", endpoint)
    s3.create_bucket(Bucket=bucket)
    for name, key in (("failoverd.deb", "failoverd.deb"), ("onprem-api.tar", "image.tar"), ("service-spec.yml", "service-spec.yml")):
        s3.upload_file(os.path.join(artifacts, name), bucket, f"{prefix}/{key}")
    token = open(os.path.join(artifacts, "webhook-token")).read().strip()
    client("ssm", endpoint).put_parameter(Name=token_parameter, Value=token, Type="SecureString")


def put_object(endpoint, bucket, key, path):
    client("s3", endpoint).upload_file(path, bucket, key)


def put_secret(endpoint, name, path):
    with open(path) as secret:
        client("ssm", endpoint).put_parameter(Name=name, Value=secret.read(), Type="SecureString")


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
    {"seed": seed, "put-object": put_object, "put-secret": put_secret, "parameter": parameter}[command](endpoint, *arguments)
