"""SNMPv3 (USM) rules shared by the pollers' credentials and the trap receiver's users."""

from __future__ import annotations

from pydantic import SecretStr


def check_usm_keys(auth_protocol: str, auth_key: SecretStr | None, priv_protocol: str,
                   priv_key: SecretStr | None) -> None:
    """An SNMPv3 user's protocols and keys agree (shared by pollers and trap receivers)."""
    if auth_protocol != "none" and not auth_key:
        raise ValueError(f"auth_protocol {auth_protocol} needs an auth_key")
    if priv_protocol != "none":
        if auth_protocol == "none":
            raise ValueError("privacy (authPriv) needs an auth_protocol too")
        if not priv_key:
            raise ValueError(f"priv_protocol {priv_protocol} needs a priv_key")
    for key in (auth_key, priv_key):
        if key is not None and len(key.get_secret_value()) < 8:
            raise ValueError("SNMPv3 keys must be at least 8 characters (RFC 3414)")
