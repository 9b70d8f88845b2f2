"""Alert → action → closure, end to end in a real headless Chromium: sign in, turn an
early-warning alert into a tracked action, add a note, close it, and find it on the area
profile; axe-core checks the portal pages too."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.store.connection import Store
from missionmonitor.surveillance.early_warning import get_series, store_scan
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, PASSWORD, scotland, site_settings
from tests.portal.test_web import ALERTS, GLASGOW_BOARD
from tests.web.test_browser import (  # noqa: F401 (browser is a fixture)
    SHOTS,
    browser,
    run_axe,
    serving,
    visit,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def portal_server(demo_store_path: Path) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="mm-portal-browser-"))
    store = folder / "store.duckdb"
    shutil.copy(demo_store_path, store)
    counts = pd.DataFrame(
        {
            "area_code": ALERTS["area_code"],
            "period": ALERTS["period"],
            "count": ALERTS["observed"],
            "synthetic": True,
        }
    )
    with Store.open(store, scotland()) as s:
        store_scan(s, get_series(scotland(), "nonfatal_overdoses"), counts, ALERTS)
    url = f"sqlite:///{folder}/portal.sqlite3"
    engine = connect(url)
    with session_scope(engine) as db:
        accounts.add_user(
            scotland(), db, "ana", "Ana Analyst", "phs_analyst", password=PASSWORD, hashing=CHEAP
        )
        accounts.add_user(
            scotland(),
            db,
            "gail",
            "Gail",
            "adp_submitter",
            "S11000015",
            password=PASSWORD,
            hashing=CHEAP,
        )
    engine.dispose()
    with serving(create_app(site_settings(store, url))) as base:
        yield base
    shutil.rmtree(folder, ignore_errors=True)


def fill(driver: WebDriver, element_id: str, text: str) -> None:
    field = driver.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def click(driver: WebDriver, element: WebElement) -> None:
    """Activate a button or summary from the keyboard, as a keyboard user would (a mouse
    click can land on whatever else the layout puts at that point)."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.send_keys(Keys.ENTER)


def submit(driver: WebDriver, label: str) -> None:
    click(driver, driver.find_element(By.XPATH, f"//button[normalize-space()='{label}']"))


def test_alert_becomes_an_action_that_is_noted_and_closed(browser, portal_server):  # noqa: F811
    browser.set_window_size(1280, 1600)
    visit(browser, f"{portal_server}/login")
    assert run_axe(browser) == []
    fill(browser, "username", "ana")
    fill(browser, "password", PASSWORD)
    submit(browser, "Sign in")
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/portal"))
    assert "NHS Greater Glasgow and Clyde, 2024-03-04: EARS C1" in browser.page_source
    assert run_axe(browser) == []

    # The Greater Glasgow and Clyde alert: open its form and create the action.
    alert = browser.find_element(By.XPATH, "//section[h3[contains(., 'Greater Glasgow')]]")
    click(browser, alert.find_element(By.TAG_NAME, "summary"))
    alert.find_element(By.NAME, "title").send_keys("Check for a contaminated batch")
    alert.find_element(By.NAME, "owner").send_keys("Harm reduction lead")
    click(browser, alert.find_element(By.XPATH, ".//button[normalize-space()='Create action']"))
    WebDriverWait(browser, 10).until(lambda b: "/portal/actions/" in b.current_url)
    assert "Check for a contaminated batch" in browser.find_element(By.TAG_NAME, "h1").text
    assert run_axe(browser) == []

    fill(browser, "note", "Pharmacies asked about recent supply")
    submit(browser, "Save")
    WebDriverWait(browser, 10).until(lambda b: "Pharmacies asked" in b.page_source)

    fill(browser, "closure_note", "One batch withdrawn; counts back to usual")
    submit(browser, "Close this action")
    WebDriverWait(browser, 10).until(lambda b: "One batch withdrawn" in b.page_source)
    status = browser.find_element(By.XPATH, "//dt[.='Status']/following-sibling::dd").text
    assert status == "done"
    assert "One batch withdrawn" in browser.page_source
    assert browser.find_elements(By.ID, "closure_note") == []  # no more editing
    browser.save_screenshot(str(SHOTS / "portal-action-closed.png"))

    visit(browser, f"{portal_server}/areas/{GLASGOW_BOARD}")
    row = browser.find_element(By.ID, "tracked-actions-table").text
    assert "Check for a contaminated batch" in row and "done" in row


def test_return_form_check_and_submit_are_accessible(browser, portal_server):  # noqa: F811
    browser.delete_all_cookies()
    visit(browser, f"{portal_server}/login")
    fill(browser, "username", "gail")
    fill(browser, "password", PASSWORD)
    submit(browser, "Sign in")
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/portal"))
    visit(browser, f"{portal_server}/portal/returns")
    assert run_axe(browser) == []
    visit(browser, f"{portal_server}/portal/returns/rehab_quarterly/S11000015/2024-Q2")
    assert run_axe(browser) == []
    answers = {
        "placements_total": "10",
        "placements_drugs": "6",
        "placements_alcohol": "3",
        "placements_both": "2",
        "placements_women": "4",
        "estimated_cost_gbp": "420000",
    }
    for field, value in answers.items():
        fill(browser, field, value)
    submit(browser, "Save and check your answers")
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith("/check"))
    summary = browser.find_element(By.CLASS_NAME, "ds_error-summary").text
    assert "must add up" in summary  # 6 + 3 + 2 is not 10
    assert run_axe(browser) == []
    # Follow the error back to the form, fix it, and submit.
    click(browser, browser.find_element(By.LINK_TEXT, "Back to the form"))
    fill(browser, "placements_drugs", "5")
    submit(browser, "Save and check your answers")
    WebDriverWait(browser, 10).until(lambda b: "Submit the return" in b.page_source)
    submit(browser, "Submit the return")
    WebDriverWait(browser, 10).until(lambda b: "Your return was submitted" in b.page_source)
    browser.save_screenshot(str(SHOTS / "portal-return-submitted.png"))
