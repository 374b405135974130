"""The committee report: figures for a period, charts, HTML and PDF."""
