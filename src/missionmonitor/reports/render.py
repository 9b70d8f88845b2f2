"""Render a report to accessible HTML, or to PDF through WeasyPrint.

Render a report built by ``annual.annual``, ``adp_profile.adp`` or ``mat.mat``:
``render_html(annual(data, "2023/24"))`` gives HTML, ``render_pdf(...)`` the PDF.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from missionmonitor.config import Configuration
from missionmonitor.reports import ReportFormat
from missionmonitor.views.maps import map_svg

_FOLDER = Path(str(resources.files("missionmonitor.reports") / "templates"))


def svg(spec: dict[str, Any], labelled_by: str) -> Markup:
    """A Vega-Lite spec as an inline SVG image named by the figure's caption and summary."""
    import vl_convert

    fixed = copy.deepcopy(spec)
    if fixed.get("width") == "container":
        fixed["width"] = 600
    drawing = vl_convert.vegalite_to_svg(fixed)
    drawing = re.sub(
        r"^<svg ", f'<svg role="img" aria-labelledby="{labelled_by}" ', drawing, count=1
    )
    return Markup(drawing)


def _environment(configuration: Configuration) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_FOLDER), autoescape=True)
    env.globals["svg"] = svg
    env.globals["map_svg"] = partial(map_svg, configuration)
    return env


def render_html(
    configuration: Configuration, report: dict[str, Any], *, for_print: bool = False
) -> str:
    """The report of ``configuration`` as one self-contained HTML document (styles and
    charts inline)."""
    env = _environment(configuration)
    css = (_FOLDER / "report.css").read_text(encoding="utf-8")
    return env.get_template("report.html").render(
        report=report,
        css=Markup(css),
        for_print=for_print,
        generated=dt.date.today().strftime("%-d %B %Y"),
    )


def render_pdf(configuration: Configuration, report: dict[str, Any]) -> bytes:
    """The report as PDF: contents page, page numbers and footnotes (print stylesheet)."""
    import weasyprint

    pdf: bytes = weasyprint.HTML(
        string=render_html(configuration, report, for_print=True)
    ).write_pdf()
    return pdf


def render(configuration: Configuration, report: dict[str, Any], fmt: ReportFormat) -> bytes:
    if fmt == "pdf":
        return render_pdf(configuration, report)
    return render_html(configuration, report).encode("utf-8")
