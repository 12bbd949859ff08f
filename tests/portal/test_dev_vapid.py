import base64

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid

from portal.settings.dev_vapid import dev_vapid_keys


def test_the_development_key_pair_is_made_once_and_matches(tmp_path):
    path = tmp_path / "var" / "dev-vapid.json"
    public, private = dev_vapid_keys(path)
    assert dev_vapid_keys(path) == (public, private)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    derived = Vapid.from_string(private).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert base64.urlsafe_b64decode(public + "=" * (-len(public) % 4)) == derived


def test_a_damaged_file_is_replaced(tmp_path):
    path = tmp_path / "dev-vapid.json"
    path.write_text("not json")
    public, private = dev_vapid_keys(path)
    assert len(private) == 43
    assert public.startswith("B")  # 0x04: an uncompressed point
