"""The dashboard server's settings (config/sammen.yaml, `dashboard:`), read once at start."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pipeline.errors import SammenError

AUTH_MODES = ("file", "header", "oidc")


@dataclass(frozen=True)
class Oidc:
    issuer: str
    client_id: str
    client_secret: str
    username_claim: str = "preferred_username"
    scopes: str = "openid profile email"


@dataclass(frozen=True)
class WebSettings:
    private: Path                                   # 0700 folder: session key, sessions, audit log
    auth: str = "file"
    user_header: str = "X-Remote-User"
    trusted_proxies: frozenset[str] = frozenset()
    proxy_secret: str | None = None
    secret_header: str = "X-Sammen-Proxy-Secret"
    oidc: Oidc | None = None
    https: bool = False
    idle_timeout: timedelta = timedelta(hours=8)
    lifetime: timedelta = timedelta(hours=12)
    login_attempts: int = 5
    login_window: timedelta = timedelta(minutes=15)
    threads: int = 8
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise SammenError(f"ukendt login-måde '{self.auth}' (brug {', '.join(AUTH_MODES)})")
        if self.auth == "header" and not (self.trusted_proxies and self.proxy_secret):
            raise SammenError("SSO med header kræver både dashboard.trusted_proxies (proxyens adresser) og en "
                              "fælles hemmelighed i miljøvariablen fra dashboard.header.secret_env; uden dem starter "
                              "Sammen ikke, for ellers kan enhver sende headeren")
        if self.auth == "oidc" and not (self.oidc and self.oidc.issuer and self.oidc.client_id):
            raise SammenError("OpenID Connect kræver dashboard.oidc.issuer og client_id (og hemmeligheden i miljøet)")

    @classmethod
    def from_config(cls, cfg: dict, private: Path, **overrides: object) -> "WebSettings":
        header, oidc = cfg.get("header") or {}, cfg.get("oidc") or {}
        values = dict(
            private=private, auth=cfg.get("auth", "file"),
            user_header=header.get("user_header", "X-Remote-User"),
            trusted_proxies=frozenset(cfg.get("trusted_proxies") or ()),
            proxy_secret=os.environ.get(header.get("secret_env", "SAMMEN_PROXY_SECRET")) or None,
            secret_header=header.get("secret_header", "X-Sammen-Proxy-Secret"),
            oidc=Oidc(oidc.get("issuer", ""), oidc.get("client_id", ""),
                      os.environ.get(oidc.get("client_secret_env", "SAMMEN_OIDC_SECRET"), ""),
                      oidc.get("username_claim", "preferred_username"), oidc.get("scopes", "openid profile email"))
            if oidc.get("issuer") else None,
            https=bool(cfg.get("https", False)),
            idle_timeout=timedelta(minutes=float(cfg.get("idle_timeout_minutes", 480))),
            lifetime=timedelta(minutes=float(cfg.get("session_lifetime_minutes", 720))),
            login_attempts=int(cfg.get("login_attempts", 5)),
            login_window=timedelta(minutes=float(cfg.get("login_window_minutes", 15))),
            threads=int(cfg.get("threads", 8)),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

