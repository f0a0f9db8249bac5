"""The review console at /review: a template and static files shipped in the package, no CDN."""
