"""One module per view; each has `render(ctx: webapp.state.Ctx)`. `VIEWS` is the sidebar's order."""

VIEWS = ("overview", "compare", "document", "graph", "timeline", "console", "export", "draft", "estimate",
         "upload")
