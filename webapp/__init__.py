"""The Streamlit app's code behind app.py: store loading, labels in zh/en, formatting, and one module
per view under webapp.views."""
