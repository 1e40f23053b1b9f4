"""The one thin place where plain page functions become Dash callbacks.

A page's callback is a plain function `fn(ctx, access, *values)` that tests call directly.
`wire` looks up the logged-in user's access for each request and passes the values on; the
function's checks raise 400/401/403 (dashboard/access.py), which Flask answers as such.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import dash
from dash import Input, Output, State

from dashboard.auth import client_address
from dashboard.context import Context


def wire(app: dash.Dash, ctx: Context, fn: Callable, outputs: Sequence[tuple[str, ...]],
         inputs: Sequence[tuple[str, str]], states: Sequence[tuple[str, str]] = (), view: str | None = None,
         **kwargs: object) -> None:
    """outputs: (id, property), or (id, property, "shared") for an output another callback also
    sets; view: the page's name, when this callback shows a view (it is then written to the audit
    log with the values it was shown for, after the checks passed)."""
    names = [i for i, _ in inputs]

    def callback(*values: object) -> object:
        access = ctx.access()
        out = fn(ctx, access, *values)
        if view:
            ctx.audit.record("view", access.user.username, client_address(), page=view,
                             **{name.split("-", 1)[1]: value for name, value in zip(names, values)})
        return out
    callback.__name__ = f"{fn.__module__.rsplit('.', 1)[-1]}_{fn.__name__}"
    app.callback(*[Output(o[0], o[1], allow_duplicate=len(o) > 2) for o in outputs], *[Input(i, p) for i, p in inputs],
                 *[State(i, p) for i, p in states], **kwargs)(callback)
