#!/usr/bin/env python3
"""A stand-in for the EC2 instance metadata service (IMDSv2), for tests that must show who can
reach it: PUT /latest/api/token answers a session token, GET with that token answers the
role's (fake) credentials. Bind it only inside a network namespace the test made.

usage: metadata_stand_in.py ADDRESS PORT
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "stand-in-session-token"
CREDENTIALS = {"Code": "Success", "AccessKeyId": "ASIASTANDIN", "SecretAccessKey": "stand-in-secret", "Token": "stand-in"}


class Metadata(BaseHTTPRequestHandler):
    def reply(self, code, body):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_PUT(self):
        if self.path == "/latest/api/token":
            self.reply(200, TOKEN)
        else:
            self.reply(404, "not found")

    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            self.reply(401, "IMDSv2: a session token is required")
        elif self.path.startswith("/latest/meta-data/iam/security-credentials/"):
            self.reply(200, json.dumps(CREDENTIALS))
        else:
            self.reply(404, "not found")

    def log_message(self, *_):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Metadata).serve_forever()
