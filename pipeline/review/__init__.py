"""The editors' web app: review, fix, approve and publish stored hearings (FastAPI + Jinja2)."""
