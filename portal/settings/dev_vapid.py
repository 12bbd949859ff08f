"""A VAPID key pair for development, made once and kept in var/.

Without one the preferences page has no "Turn on browser notifications"
button, so `make run` could not show web push. Production reads its keys from
the environment and never uses this.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def dev_vapid_keys(path: Path) -> tuple[str, str]:
    """(public application server key, private key), both base64url."""
    try:
        stored = json.loads(path.read_text())
        return stored["public_key"], stored["private_key"]
    except (OSError, ValueError, KeyError):
        pass
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid

    vapid = Vapid()
    vapid.generate_keys()
    public = _b64url(
        vapid.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    private = _b64url(vapid.private_key.private_numbers().private_value.to_bytes(32, "big"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"public_key": public, "private_key": private}))
    path.chmod(0o600)
    return public, private
