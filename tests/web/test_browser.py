"""The site in a real headless Chromium: accessibility (axe-core), keyboard journeys, no
Content-Security-Policy violations, and the screenshots in docs/."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from missionmonitor import config
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, ROOT, scotland, site_settings

pytestmark = pytest.mark.slow  # a real browser over every page type
AXE = ROOT / "node_modules/axe-core/axe.min.js"
SHOTS = ROOT / "docs/screenshots"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGE_TYPES = {
    "home": "/",
    "outcomes": "/outcomes",
    "outcome": "/outcomes/2",
    "indicators": "/indicators?q=death",
    "indicator-comparison-funnel": "/indicators/drd_rate_per_1000_5yr?area_type=council",
    "map-adp": "/indicators/drd_rate_per_1000_5yr?area_type=adp",
    "map-integration-authority": "/indicators/drd_rate_per_1000_5yr?area_type=hscp",
    "map-health-board": "/indicators/drd_easr?area_type=health_board",
    "indicator-series-break": "/indicators/ost_people",
    "indicator-quarterly": "/indicators/suspected_drug_deaths",
    "targets": "/targets",
    "surveillance": "/surveillance",
    "evaluation": "/evaluation",
    "standards": "/standards",
    "standard": "/standards/S11000015/1",
    "area-integration-authority": "/areas/S37000015",
    "area-adp": "/areas/S11000015",
    "area-adp-split-by-publisher": "/areas/S11000052",
    "area-health-board": "/areas/S08000031",
    "reports": "/reports",
    "areas": "/areas",
    "area-council": "/areas/S12000049",
    "area-scotland": "/areas/S92000003",
    "methodology": "/methodology",
    "accountability": "/accountability",
    "governance": "/governance",
    "feedback": "/feedback",
    "not-found": "/no-such-page",
}


@contextmanager
def serving(app: object) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(built_store_path: Path) -> Iterator[str]:
    with serving(create_app(site_settings(built_store_path))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, "install Debian's chromium and chromium-driver (make browser)"
    opts = Options()
    opts.binary_location = chromium
    args = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--window-size=1280,1600",
    )
    for arg in args:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    try:
        yield driver
    finally:
        driver.quit()


def visit(browser: WebDriver, url: str) -> None:
    """Load a page and wait until every chart on it has been drawn."""
    browser.get(url)
    WebDriverWait(browser, 20).until(
        lambda b: b.execute_script(
            "return document.readyState === 'complete' && "
            "[...document.querySelectorAll('.mm-chart')]"
            ".every(c => c.classList.contains('mm-chart--rendered') && c.querySelector('svg'))"
        )
    )


def console_problems(browser: WebDriver) -> list[str]:
    return [
        e["message"]
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]
    ]


def run_axe(browser: WebDriver) -> list[dict[str, object]]:
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    script = (
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))));"
    )
    browser.set_script_timeout(60)
    return browser.execute_async_script(script)


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_no_accessibility_violations_and_no_console_errors(server, browser, name):
    browser.get_log("browser")  # discard earlier pages' messages
    visit(browser, server + PAGE_TYPES[name])
    violations = run_axe(browser)
    assert violations == [], json.dumps(violations, indent=2)
    problems = [m for m in console_problems(browser) if "404" not in m or name != "not-found"]
    assert problems == []


def test_charts_are_drawn_as_labelled_svg(server, browser):
    visit(browser, server + "/indicators/drd_rate_per_1000_5yr")
    charts = browser.find_elements(By.CSS_SELECTOR, ".mm-chart svg")
    assert len(charts) == 3  # trend, comparison, funnel
    for svg in charts:
        assert svg.get_attribute("role") == "img"
        caption_id, summary_id = svg.get_attribute("aria-labelledby").split()
        assert browser.find_element(By.ID, caption_id).tag_name == "figcaption"
        assert browser.find_element(By.ID, summary_id).text


def test_skip_link_is_first_and_moves_focus_to_main(server, browser):
    visit(browser, server + "/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    active = browser.switch_to.active_element
    assert active.text == "Skip to main content"
    active.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main-content"


def _tab_to(browser: WebDriver, match, limit: int = 60):
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    for _ in range(limit):
        active = browser.switch_to.active_element
        if match(active):
            return active
        active.send_keys(Keys.TAB)
    raise AssertionError("could not reach the element by keyboard")


def test_keyboard_journey_search_then_open_an_indicator_then_compare(server, browser):
    visit(browser, server + "/")
    link = _tab_to(browser, lambda e: e.tag_name == "a" and e.text == "Indicators")
    link.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/indicators"))
    search = _tab_to(browser, lambda e: e.get_attribute("id") == "q")
    search.send_keys("per 1,000")
    search.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "q=per" in b.current_url)
    result = _tab_to(browser, lambda e: e.tag_name == "a" and "per 1,000" in e.text)
    result.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "/indicators/drd_rate_per_1000_5yr" in b.current_url)
    area = _tab_to(browser, lambda e: e.get_attribute("id") == "area")
    area.send_keys("NHS Greater")
    show = _tab_to(browser, lambda e: e.tag_name == "button" and e.text == "Show")
    show.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "area=S08000031" in b.current_url)
    assert "NHS Greater Glasgow and Clyde" in browser.find_element(By.ID, "trend-caption").text


def test_a_map_area_is_reached_by_keyboard_shows_its_focus_and_opens_its_trend(server, browser):
    visit(browser, server + "/indicators/drd_rate_per_1000_5yr?area_type=adp")
    area = _tab_to(browser, lambda e: "mm-map__area" in (e.get_attribute("class") or ""), limit=200)
    label = area.get_attribute("aria-label")
    name = label.split(":")[0]
    assert "band" in label or "suppressed" in label
    outline = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];", area
    )
    assert outline == ["solid", "3px"]
    area.send_keys(Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda b: "area=S11" in b.current_url)
    assert name in browser.find_element(By.ID, "trend-caption").text
    assert "area_type=adp" in browser.current_url


def test_pages_work_without_javascript(server, browser):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(server + "/indicators/drd_deaths")
        table = browser.find_element(By.ID, "trend-table")
        assert "1,017" in table.text
        fallback = browser.find_element(By.CSS_SELECTOR, ".mm-chart__fallback")
        assert fallback.is_displayed()
    finally:
        browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("indicator", "/indicators/drd_rate_per_1000_5yr"),
        ("area", "/areas/S12000049"),
    ],
)
def test_screenshots_for_the_docs(server, browser, name, path):
    visit(browser, server + path)
    SHOTS.mkdir(parents=True, exist_ok=True)
    out = SHOTS / f"{name}.png"
    assert browser.save_screenshot(str(out))
    assert out.stat().st_size > 20_000


@pytest.fixture(scope="module")
def demo_server(demo_store_path: Path) -> Iterator[str]:
    with serving(create_app(site_settings(demo_store_path))) as url:
        yield url


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_a_demonstration_shows_its_mark_on_every_page_type(browser, demo_server, server, name):
    visit(browser, demo_server + PAGE_TYPES[name])
    mark = browser.find_element(By.CSS_SELECTOR, ".mm-demonstration")
    assert mark.is_displayed() and "Demonstration — generated data" in mark.text
    visit(browser, server + PAGE_TYPES[name])
    assert not browser.find_elements(By.CSS_SELECTOR, ".mm-demonstration")


def test_surveillance_with_a_case_review_and_toxicology_signals_is_accessible(
    browser,
    built_store_path,
    demo_store_copy,
    tmp_path,
):
    from missionmonitor.refdata.geography import Geography, national_code
    from missionmonitor.services import ndrdd
    from missionmonitor.services.ingest import ingest
    from missionmonitor.store.connection import Store
    from missionmonitor.surveillance import toxicology

    cases = ndrdd.write_synthetic(scotland(), built_store_path, tmp_path / "cases.csv", [2023])
    ingest(
        scotland(),
        demo_store_copy,
        "ndrdd_measures",
        ndrdd.compute(scotland(), cases, tmp_path / "out").files[0],
    )
    boards = {a.code: 40.0 for a in Geography.of(config.load(None)).of_type("health_board")}
    samples = toxicology.synthetic_results(boards, seed=1, years=3).samples
    with Store.open(demo_store_copy, scotland()) as store:
        toxicology.store_signals(store, samples, national_code(scotland()))
    with serving(create_app(site_settings(demo_store_copy))) as url:
        visit(browser, url + "/surveillance")
        for table in (
            "case-review-table",
            "substance-pairs-table",
            "coverage-table",
            "alerts-toxicology_signals",
        ):
            assert browser.find_element(By.ID, table).is_displayed()
        assert run_axe(browser) == []


def test_accountability_with_returns_feedback_and_oversight_is_accessible(
    browser, demo_store_copy, tmp_path
):
    """With a year of SYNTHETIC returns, feedback and a published meeting: the funding table,
    the rehabilitation table, the published decisions, the feedback beside a standard and
    the signed-in governance log pass axe; the feedback form is sent by keyboard alone."""
    import datetime as dt

    import pandas as pd
    from selenium.webdriver.common.keys import Keys

    from missionmonitor.portal import accounts
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.services.demo_returns import demo_accountability
    from missionmonitor.services.ingest import ingest

    db_url = f"sqlite:///{tmp_path}/portal.sqlite3"
    engine = connect(db_url)
    with session_scope(engine) as db:
        rows = demo_accountability(db, Geography.of(config.load(None)), dt.date.today())
        accounts.add_user(
            scotland(),
            db,
            "hb",
            "Board officer",
            "health_board_officer",
            "S08000031",
            password="correct horse battery",
            hashing=CHEAP,
        )
    engine.dispose()
    pd.DataFrame(rows).to_csv(tmp_path / "returns.csv", index=False)
    ingest(scotland(), demo_store_copy, "adp_returns", tmp_path / "returns.csv")
    with serving(create_app(site_settings(demo_store_copy, db_url))) as url:
        for path, element in (
            ("/accountability", "funding-table"),
            ("/accountability", "rehab-table"),
            ("/governance", "meeting-1"),
            ("/standards/S11000015/1", "experience"),
        ):
            visit(browser, url + path)
            assert browser.find_element(By.ID, element).is_displayed()
            assert run_axe(browser) == [], path
        visit(browser, url + "/feedback")
        assert run_axe(browser) == []
        browser.find_element(By.ID, "adp").send_keys("Glasgow")
        browser.find_element(By.ID, "respondent-person").send_keys(Keys.SPACE)
        browser.find_element(By.ID, "s1_experience-agree").send_keys(Keys.SPACE)
        browser.find_element(By.CSS_SELECTOR, "form[action='/feedback'] button").send_keys(
            Keys.ENTER
        )
        WebDriverWait(browser, 10).until(lambda b: "sent=1" in b.current_url)
        assert "your feedback was received" in browser.page_source
        visit(browser, url + "/login")
        browser.find_element(By.ID, "username").send_keys("hb")
        browser.find_element(By.ID, "password").send_keys("correct horse battery", Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda b: "/portal" in b.current_url)
        visit(browser, url + "/portal/governance")
        assert browser.find_element(By.ID, "meetings").is_displayed()
        assert run_axe(browser) == []
        visit(browser, url + "/portal/governance/meetings/1")
        assert run_axe(browser) == []
