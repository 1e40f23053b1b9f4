"""Login with OpenID Connect (Microsoft Entra ID, and any provider that publishes its
configuration at `<issuer>/.well-known/openid-configuration`), by authlib.

The provider says who the user is (the claim `dashboard.oidc.username_claim`, by default
`preferred_username`); what they may see (role and unit) still comes from Sammen's users file,
so a person the provider knows but HR has not added gets no access.
"""
from __future__ import annotations

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, url_for
from joserfc.errors import JoseError

from dashboard.auth import Auth, client_address

FAILED = "Log ind hos din organisation mislykkedes. Prøv igen."
NOT_A_USER = "Din konto har ikke adgang til Sammen. Kontakt HR for at blive oprettet."


def install(server: Flask, auth: Auth) -> None:
    settings = auth.web.oidc
    assert settings is not None
    oauth = OAuth(server)
    provider = oauth.register(
        "provider", client_id=settings.client_id, client_secret=settings.client_secret,
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": settings.scopes})

    @server.route("/oidc/login")
    def oidc_login():  # noqa: ANN202
        return provider.authorize_redirect(url_for("oidc_callback", _external=True))

    @server.route("/oidc/callback")
    def oidc_callback():  # noqa: ANN202
        try:
            token = provider.authorize_access_token()
        except (OAuthError, JoseError, KeyError, ValueError):   # a forged, replayed or expired answer
            auth.audit.record("login_failed", None, client_address(), method="oidc")
            return auth.login_page(FAILED, 400)
        claims = token.get("userinfo") or {}
        username = claims.get(settings.username_claim)
        user = auth.store.get(username) if isinstance(username, str) else None
        if user is None:
            auth.audit.record("login_failed", str(username), client_address(), method="oidc")
            return auth.login_page(NOT_A_USER, 403)
        auth.begin(user)
        return redirect("/")
