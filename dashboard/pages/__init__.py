"""One module per view: layout(ctx, access) and register(app, ctx)."""
