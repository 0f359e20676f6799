"""The read-only web portal of the picture, served by the bot's HTTP server.

`portal.py`: routes (token check, audit); `security.py`: headers and the rate limit
on failed tokens; `render.py` + `templates/`: HTML (jinja2, autoescaped) from the
picture model; `charts.py`: SVG charts (pygal). Nothing here imports matrix-nio.
"""
