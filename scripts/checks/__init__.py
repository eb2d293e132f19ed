"""Checks beyond `swift test`, and the browser driver BrowserTests runs."""
