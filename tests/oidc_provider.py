"""A small OpenID Connect provider for the tests: discovery, authorize (the user is already
"logged in" at the provider), token (an RS256-signed ID token) and its keys."""
from __future__ import annotations

import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server


class Provider:
    def __init__(self, client_id: str, client_secret: str) -> None:
        self.client_id, self.client_secret = client_id, client_secret
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.signing_key = self.key          # a test may swap in a key the provider does not publish
        self.username = "hr"                 # who is logged in at the provider
        self.codes: dict[str, dict] = {}
        self.app = self._app()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _app(self) -> Flask:
        app = Flask("oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():  # noqa: ANN202
            return jsonify(issuer=self.issuer, authorization_endpoint=f"{self.issuer}/authorize",
                           token_endpoint=f"{self.issuer}/token", jwks_uri=f"{self.issuer}/jwks",
                           response_types_supported=["code"], subject_types_supported=["public"],
                           id_token_signing_alg_values_supported=["RS256"])

        @app.get("/jwks")
        def jwks():  # noqa: ANN202
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():  # noqa: ANN202
            if request.args.get("client_id") != self.client_id:
                abort(400)
            code = secrets.token_urlsafe(16)
            self.codes[code] = dict(nonce=request.args.get("nonce"), redirect_uri=request.args["redirect_uri"],
                                    username=self.username)
            return redirect(request.args["redirect_uri"] + "?" + urlencode({"code": code, "state": request.args["state"]}))

        @app.post("/token")
        def token():  # noqa: ANN202
            auth = request.authorization
            given = (auth.username, auth.password) if auth else (request.form.get("client_id"), request.form.get("client_secret"))
            grant = self.codes.pop(request.form.get("code", ""), None)
            if given != (self.client_id, self.client_secret) or grant is None:
                return jsonify(error="invalid_grant"), 400
            now = int(time.time())
            claims = dict(iss=self.issuer, aud=self.client_id, sub="sub-" + grant["username"], iat=now, exp=now + 300,
                          nonce=grant["nonce"], preferred_username=grant["username"])
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.signing_key)
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300, id_token=id_token)

        return app

    def close(self) -> None:
        self.server.shutdown()
