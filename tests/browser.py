#!/usr/bin/python3
"""browser.py: the pages as a person uses them, in a real browser.

Run by tests/integration/browser.sh with Debian's /usr/bin/python3 (it has
python3-selenium), headless Chromium and chromedriver, in one browser
session.  It takes a reminder as the SMTP server received it, opens its
link, completes the form with the keyboard alone, reads the receipt,
reloads the page; opens "Mina aktiviteter" wide, 320 px wide and as
printed; a tampered link; then, with the daemon's test clock moved past
the link's expiry, the expired link and the fresh link it offers.  Every
page is checked with axe-core (WCAG 2.1 AA tags: zero violations) and for
a visible keyboard focus, and photographed.

Usage: browser.py MAIL SHOTS AXE CTL...
  MAIL   the reminder (.eml) to follow
  SHOTS  directory for the screenshots
  AXE    path of axe.min.js
  CTL    the planwatchctl command line that moves the test clock

Prints `ok:`/`FAIL:` lines and the pages' HTML on failure.
"""
import os
import subprocess
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import maillinks  # noqa: E402

failed = 0


def ok(what):
    print("ok: " + what, flush=True)


def not_ok(what, detail=""):
    global failed
    failed += 1
    print("FAIL: " + what, flush=True)
    if detail:
        print("    " + str(detail).replace("\n", "\n    "), flush=True)


def check(what, cond, detail=""):
    if cond:
        ok(what)
    else:
        not_ok(what, detail)


def browser():
    o = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--no-first-run", "--hide-scrollbars",
              "--force-device-scale-factor=1", "--window-size=1000,900",
              "--lang=sv-SE"):
        o.add_argument(a)
    o.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"),
                            options=o)


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag',
                             values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})
  .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' (' +
        v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ') + ')')))
  .catch(e => done(['axe failed: ' + e]));
"""


def axe(d, src, what):
    d.execute_script(src)
    v = d.execute_async_script(AXE_RUN)
    check("%s: no axe violations (wcag2a, wcag2aa, wcag21aa)" % what,
          v == [], "\n".join(v))


def no_alert(d, what):
    try:
        d.switch_to.alert
        not_ok("%s: no script ran" % what, "an alert is open")
    except NoAlertPresentException:
        ok("%s: no script ran" % what)


def arrived(d, old, what):
    """Waits, bounded, until a click or a key left the page `old` (an
    element of it) and the next page has its h1; its text."""
    try:
        WebDriverWait(d, 15).until(EC.staleness_of(old))
        return WebDriverWait(d, 15).until(
            EC.presence_of_element_located((By.TAG_NAME, "h1"))).text
    except Exception as e:
        not_ok("%s: the next page came" % what, repr(e))
        return ""


def shot(d, shots, name):
    d.save_screenshot(os.path.join(shots, name + ".png"))


def focus_ring(d):
    """The outline of the element with the focus: (style, width)."""
    return d.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return [document.activeElement.tagName.toLowerCase() + "
        "(document.activeElement.id ? '#' + document.activeElement.id : ''),"
        " s.outlineStyle, s.outlineWidth];")


def tab_to(d, element_id, limit=40):
    """Presses Tab until the element has the focus; the rings on the way."""
    rings = []
    for _ in range(limit):
        ActionChains(d).send_keys(Keys.TAB).perform()
        r = focus_ring(d)
        rings.append(r)
        if r[0].endswith("#" + element_id):
            return rings
    return None


def main():
    mail, shots, axe_path, ctl = sys.argv[1], sys.argv[2], sys.argv[3], \
        sys.argv[4:]
    axe_src = open(axe_path).read()
    links = dict(maillinks.links(mail))
    link, page = links.get("message"), links.get("page")
    check("the reminder carries a link to its page and to the person's",
          link is not None and page is not None, links)
    if link is None or page is None:
        return
    d = browser()
    try:
        run(d, link, page, shots, axe_src, ctl)
    finally:
        d.quit()


def run(d, link, page, shots, axe_src, ctl):
    # ---- the reminder's page: a title with HTML, the form ----------
    d.get(link)
    check("the link opens the report page", d.title.startswith(
        "Rapportera läget"), d.title)
    h2 = d.find_element(By.CSS_SELECTOR, "section.punkt h2").text
    check("a title with HTML shows as text (%s)" % h2,
          '<script>alert("x")</script>' in h2)
    no_alert(d, "the title with HTML")
    axe(d, axe_src, "the report page")
    shot(d, shots, "rapportera")

    # ---- keyboard only ------------------------------------------------
    d.get(link)
    rings = tab_to(d, "s1-done")
    check("Tab reaches the first choice, from the skip link on",
          rings is not None and rings[0][0] == "a", rings)
    bare = [r for r in (rings or []) if r[1] == "none" or r[2] == "0px"]
    check("every element reached shows a visible focus", bare == [], bare)
    ActionChains(d).send_keys(Keys.ARROW_DOWN).perform()
    chosen = d.execute_script(
        "return document.querySelector('input[name=status]:checked').value")
    check("arrow keys choose a status (%s)" % chosen, chosen == "on-track")
    ActionChains(d).send_keys(Keys.TAB).perform()
    check("Tab goes on to the comment",
          focus_ring(d)[0] == "textarea#kommentar-1", focus_ring(d))
    ActionChains(d).send_keys("Två möten hållna, ett kvar.").perform()
    ActionChains(d).send_keys(Keys.TAB).perform()
    ring = focus_ring(d)
    check("and to the button, with a visible focus (%s)" % ring,
          ring[0] == "button" and ring[1] != "none" and ring[2] != "0px")
    old = d.find_element(By.TAG_NAME, "html")
    ActionChains(d).send_keys(Keys.ENTER).perform()
    h1 = arrived(d, old, "Enter on the form")
    check("Enter sends the report: the receipt",
          h1 == "Tack för din rapport", d.page_source[:2000])
    check("the receipt says what was reported",
          "pågår enligt plan" in d.find_element(By.CLASS_NAME,
                                                "kvitto").text)
    axe(d, axe_src, "the receipt")
    shot(d, shots, "kvitto")

    d.get(link)
    check("a reload of the page shows the report",
          "Du har rapporterat pågår enligt plan" in d.find_element(
              By.CLASS_NAME, "rapporterad").text)

    # ---- Mina aktiviteter: wide, 320 px, printed ---------------------
    d.get(page)
    check("Mina aktiviteter opens",
          d.find_element(By.TAG_NAME, "h1").text == "Mina aktiviteter")
    check("it shows the report with its comment",
          "Två möten hållna, ett kvar." in d.page_source)
    axe(d, axe_src, "Mina aktiviteter")
    shot(d, shots, "mina-aktiviteter")
    d.set_window_size(320, 900)
    w = d.execute_script("return [window.innerWidth, "
                         "document.documentElement.scrollWidth]")
    check("at 320 px wide nothing scrolls sideways (%s)" % w,
          w[0] <= 320 and w[1] <= w[0])
    axe(d, axe_src, "Mina aktiviteter at 320 px")
    d.execute_script("document.querySelector('section.aktivitet dl')"
                     ".scrollIntoView()")
    shot(d, shots, "mina-aktiviteter-320")
    d.set_window_size(1000, 900)
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    forms = d.execute_script(
        "return [...document.querySelectorAll('form')]"
        ".filter(f => getComputedStyle(f).display !== 'none').length")
    check("printed, the forms are left out", forms == 0, forms)
    shot(d, shots, "utskrift")
    d.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = d.print_page()
    check("and it prints (PDF)", len(pdf) > 1000)

    # ---- a tampered link ----------------------------------------------
    d.get(link[:-1] + ("B" if link[-1] == "A" else "A"))
    check("a tampered link says it does not work",
          d.find_element(By.TAG_NAME, "h1").text == "Länken fungerar inte")
    axe(d, axe_src, "the tampered link's page")
    shot(d, shots, "felaktig-lank")
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.LINK_TEXT, "Få en ny länk").click()
    check("and leads to asking for a new one",
          arrived(d, old, "the link to a new one") == "Få en ny länk")
    axe(d, axe_src, "asking for a new link")

    # ---- expired --------------------------------------------------------
    subprocess.run(ctl + ["debug", "time", "set", "2020-06-02T09:00"],
                   check=True, capture_output=True)
    d.get(link)
    check("past its days the link has expired",
          d.find_element(By.TAG_NAME, "h1").text == "Länken har gått ut")
    axe(d, axe_src, "the expired link's page")
    shot(d, shots, "utgangen-lank")
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.TAG_NAME, "button").click()
    arrived(d, old, "the button for a fresh link")
    check("one click asks for a fresh link, without saying whether one "
          "was sent", "Om adressen finns hos oss" in
          d.find_element(By.CLASS_NAME, "kvitto").text)
    axe(d, axe_src, "the fresh link's answer")

    # ---- the rest ---------------------------------------------------------
    base = link.split("/l/")[0]
    d.get(base + "/")
    axe(d, axe_src, "the home page")
    d.get(base + "/finns-inte")
    check("an unknown address: a Swedish 404 page",
          d.find_element(By.TAG_NAME, "h1").text == "Sidan finns inte")
    axe(d, axe_src, "the 404 page")


if __name__ == "__main__":
    t0 = time.monotonic()
    try:
        main()
    except Exception as e:  # a broken page must fail, not crash the count
        not_ok("the browser session ran to the end", repr(e))
    print("browser session: %.1f s" % (time.monotonic() - t0))
    sys.exit(1 if failed else 0)
