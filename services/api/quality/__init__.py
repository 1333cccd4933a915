"""Data-quality answers: the scorecard per agency, feed, kabupaten or source, the alerts and the conflicts."""
