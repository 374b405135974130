"""report.html (self-contained: images inlined) and report.pdf (WeasyPrint) from the figures."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from netmon.config.models import NetmonConfig
from netmon.report.content import report_content
from netmon.report.figures import gather

REPORT_HTML: Final = "report.html"
REPORT_PDF: Final = "report.pdf"


def render_report_html(content: dict[str, object]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("netmon.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(**content)


def pdf_bytes(html: str) -> bytes:
    """Print the page with WeasyPrint; it needs no browser and fetches nothing (all inlined)."""
    import logging

    from weasyprint import HTML

    # WeasyPrint logs every CSS property it ignores; a report is not the place for that.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return bytes(HTML(string=html).write_pdf())


def write_pdf(html: str, path: Path) -> None:
    path.write_bytes(pdf_bytes(html))


def report_html(config: NetmonConfig, start_ns: int, end_ns: int, now_ns: int) -> str:
    """The report of a period as one self-contained HTML page."""
    return render_report_html(report_content(gather(config, start_ns, end_ns, now_ns)))


def write_report(config: NetmonConfig, start_ns: int, end_ns: int, now_ns: int,
                 out_dir: Path) -> list[Path]:
    """Gather, render and write report.html and report.pdf into `out_dir`."""
    html = report_html(config, start_ns, end_ns, now_ns)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out_dir / REPORT_HTML, out_dir / REPORT_PDF
    html_path.write_text(html, encoding="utf-8")
    write_pdf(html, pdf_path)
    return [html_path, pdf_path]
