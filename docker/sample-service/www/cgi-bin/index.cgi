#!/bin/sh
# The sample service's answer: which site serves, what its configuration gave it (an environment
# variable, a secret file, a volume), so a test can check each from outside. The secret itself is
# never shown: its SHA-256 is. busybox httpd runs this for "/".
secret=/run/secrets/db_password
printf 'Content-Type: application/json\r\n\r\n'
printf '{"site":"%s","greeting":"%s","secret_sha256":"%s","secret_owner_mode":"%s","volume":"%s","uid":"%s"}\n' \
    "$SITE" "$GREETING" "$(sha256sum "$secret" 2>/dev/null | cut -d' ' -f1)" "$(stat -c '%u %a' "$secret" 2>/dev/null)" \
    "$(cat /data/message 2>/dev/null)" "$(id -u)"
