"""Post Dash callback requests by hand, as a crafted request would."""
from __future__ import annotations

import re
from typing import Any


def csrf_token(client: Any) -> str:
    """The login form's CSRF token, as a browser gets it: from the form."""
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def try_login(client: Any, username: str, password: str) -> Any:
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)})


def login(client: Any, username: str, password: str) -> None:
    response = try_login(client, username, password)
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def call(client: Any, output: str, inputs: dict[str, Any], state: dict[str, Any] | None = None,
         changed: str | None = None) -> Any:
    """Post the callback whose outputs include `output` (e.g. "ov-heatmap.figure")."""
    deps = client.get("/_dash-dependencies").get_json()
    dep = next(d for d in deps if output in d["output"])
    outs = [o.rsplit(".", 1) for o in dep["output"].strip(".").split("...")]
    payload = {
        "output": dep["output"],
        "outputs": [{"id": i, "property": p} for i, p in outs] if dep["output"].startswith("..")
        else {"id": outs[0][0], "property": outs[0][1]},
        "inputs": [{"id": i["id"], "property": i["property"], "value": inputs.get(i["id"])} for i in dep["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": (state or {}).get(s["id"])} for s in dep["state"]],
        "changedPropIds": [changed or f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }
    return client.post("/_dash-update-component", json=payload)
