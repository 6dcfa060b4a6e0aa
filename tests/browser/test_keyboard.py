"""The anonymous questionnaire to its results with the keyboard only.

Tab, Shift+Tab, arrows, Space and Enter: no click anywhere. At every step the
focused element is visibly outlined, and each new step puts the focus on its
first field (or, for the results, on the page's content whose heading names it).
"""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import Visit

# What the person answers, as keys to press. Unlisted questions: "Je ne sais pas".
KEYS: dict[str, list[str]] = {
    # "Non" (no partner) is preselected: the arrow moves to "Oui" and back.
    "persons": ["ArrowDown", "ArrowUp", "ArrowDown", "Tab", "Control+a", "0"],
    # The date's digits go in the order the field shows (see ``date_keys``).
    "persons.demandeur.birth_date": [],
    # Lists: each ArrowDown selects the next option (the first reads "Choisissez").
    "persons.demandeur.activity": ["ArrowDown", "ArrowDown", "ArrowDown"],
    "housing.status": ["ArrowDown"],
    "housing.rent": ["5", "5", "0"],
    "housing.postal_code": ["7", "5", "0", "1", "1"],
}


BIRTH_DATE = ("14", "03", "1990")


def date_keys(visit: Visit) -> list[str]:
    """The digits of BIRTH_DATE in the order this browser's date fields read.

    Chromium takes that order (day/month/year or month/day/year) from the system,
    not from the page's language: a bare date field tells it.
    """
    page = visit.page
    page.set_content('<input type="date" id="probe">')
    page.focus("#probe")
    page.keyboard.type("01022003")
    probe = page.eval_on_selector("#probe", "input => input.value")
    day, month, year = BIRTH_DATE
    order = {"2003-02-01": (day, month, year), "2003-01-02": (month, day, year)}
    return list("".join(order.get(probe, (year, month, day))))


def focused(visit: Visit) -> dict[str, Any]:
    """The focused element: what it is and whether its focus is visible."""
    return dict(
        visit.page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
                        text: (el.textContent || "").trim(),
                        // A date's day, month and year fields are focused inside it.
                        visible: (el.matches(":focus-visible") || el.matches(":focus-within"))
                                 && style.outlineStyle !== "none"
                                 && parseFloat(style.outlineWidth) >= 2,
                        inForm: Boolean(el.closest("form[data-question]")),
                        first: el === document.querySelector(
                            "form[data-question] input, form[data-question] select")};
            }"""
        )
    )


def tab_to_button(visit: Visit, name: str, limit: int = 40) -> None:
    """Tab forward to the button named ``name``, each stop visibly focused."""
    for _ in range(limit):
        visit.page.keyboard.press("Tab")
        now = focused(visit)
        if now["tag"] in {"button", "input", "select", "a"}:
            assert now["visible"], f"no visible focus on {now}"
        if now["tag"] == "button" and now["text"] == name:
            return
    raise AssertionError(f"{name!r} not reachable with Tab")


def wait_for_next(visit: Visit, previous: str) -> None:
    visit.page.wait_for_function(
        "(previous) => { const f = document.querySelector('form[data-question]');"
        " return (f && f.dataset.question !== previous) || document.querySelector('.total'); }",
        arg=previous,
    )


def test_questionnaire_to_results_with_the_keyboard_only(visit: Visit):
    seen: list[dict[str, Any]] = []
    visit.page.on(
        "response",
        lambda r: (
            seen.append(r.request.post_data_json)
            if r.url.endswith("/simulate") and r.request.method == "POST"
            else None
        ),
    )
    page = visit.page
    keys = {**KEYS, "persons.demandeur.birth_date": date_keys(visit)}
    visit.open()
    page.wait_for_selector("form[data-question]")

    asked: list[str] = []
    while page.locator(".total").count() == 0:
        question = str(page.locator("form[data-question]").get_attribute("data-question"))
        assert question not in asked
        asked.append(question)
        # Each new step puts the focus on its first field.
        start = focused(visit)
        assert start["first"], f"{question}: focus on {start}"
        if question not in KEYS:
            tab_to_button(visit, "Je ne sais pas")
            page.keyboard.press("Space")
        else:
            for key in keys[question]:
                page.keyboard.press(key)
            if len(asked) == 2:
                visit.check("keyboard question")
            tab_to_button(visit, "Question suivante")
            # Shift+Tab goes back to the field, Tab returns to the button.
            page.keyboard.press("Shift+Tab")
            assert focused(visit)["inForm"] and focused(visit)["tag"] != "button"
            tab_to_button(visit, "Question suivante")
            page.keyboard.press("Enter")
        wait_for_next(visit, question)
        page.wait_for_selector("form[data-question], .total")
        if page.locator(".total").count() == 0:
            page.wait_for_function("() => document.activeElement.closest('form[data-question]')")

    page.get_by_role("heading", name="Vos résultats").wait_for()
    landing = focused(visit)
    assert landing["id"] == "main", "the results take the focus, read from their heading"
    assert set(KEYS) <= set(asked)
    # What the keys meant, in the body the page sent.
    household = seen[-1]["household"]
    assert [p["relationship"] for p in household["persons"]] == ["applicant"]
    applicant = household["persons"][0]
    assert (applicant["birth_date"], applicant["activity"]) == (
        "1990-03-14",
        "unemployed_compensated",
    )
    assert household["housing"] == {"status": "tenant", "rent": 550, "postal_code": "75011"}
    visit.check("keyboard results")


# Every page of the menu a signed-in person reaches, by its link's name.
MENU_PAGES = (
    "Mon compte",
    "Profil et consentements",
    "Mes documents",
    "Mes formulaires",
    "Mes aidants",
    "Mes données",
)

MARK_CONTROLS = """() => {
    // The page's controls a person can use: visible and enabled. A radio group is one
    // Tab stop (the arrows move inside it), so it counts once, by its name.
    const controls = [...document.querySelectorAll(
        "main a[href], main button, main input, main select, main textarea, main summary")]
        .filter((el) => !el.disabled && el.type !== "hidden" && el.getClientRects().length > 0
                        && getComputedStyle(el).visibility !== "hidden");
    return controls.map((el, index) => {
        el.dataset.kb = el.type === "radio" ? `radio:${el.name}` : String(index);
        return el.dataset.kb;
    });
}"""

FOCUS_NOW = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {kb: el.dataset ? el.dataset.kb || null : null, inMain: Boolean(el.closest("main")),
            tag: el.tagName.toLowerCase(),
            text: (el.textContent || el.value || "").trim().slice(0, 40),
            visible: (el.matches(":focus-visible") || el.matches(":focus-within"))
                     && style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
}"""


def open_with_the_keyboard(visit: Visit, link: str) -> None:
    """From the top of the page, Tab to the menu ``link`` and press Enter."""
    page = visit.page
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    for _ in range(40):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUS_NOW)
        if now["tag"] == "a" and now["text"] == link:
            assert now["visible"], f"no visible focus on the menu link {link!r}"
            route = page.evaluate("() => document.activeElement.getAttribute('href')")
            page.keyboard.press("Enter")
            visit.drawn(route)
            return
    raise AssertionError(f"menu link {link!r} not reachable with Tab")


def walk_the_page(visit: Visit) -> tuple[set[str], set[str]]:
    """Tab from the page's start through its content: (controls there, controls reached).

    Every stop on a control must show its focus.
    """
    page = visit.page
    controls = set(page.evaluate(MARK_CONTROLS))
    page.focus("main")
    reached: set[str] = set()
    for _ in range(3 * len(controls) + 10):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUS_NOW)
        if not now["inMain"]:
            break
        if now["kb"] is not None:
            assert now["visible"], f"no visible focus on {now}"
            reached.add(now["kb"])
    return controls, reached


def test_every_page_of_the_menu_works_with_the_keyboard(visit: Visit):
    """Signed in, each page of the menu opens from the menu with Tab and Enter, and
    every control it shows is reached with Tab, its focus visible."""
    from tests.browser.test_account import create_account

    create_account(visit, f"clavier-{visit.folder.name}@example.org", vault=True)
    phone = visit.folder.name == "phone"
    for link in MENU_PAGES:
        open_with_the_keyboard(visit, link)
        controls, reached = walk_the_page(visit)
        assert controls, f"{link}: no control found on the page"
        assert controls <= reached, f"{link}: not reached with Tab: {sorted(controls - reached)}"
        if not phone:
            visit.check(f"keyboard {link}")
