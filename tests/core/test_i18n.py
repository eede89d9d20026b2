"""Internationalisation: Chinese (zh-hans) is the default and the source language; English must be complete.

The English catalog lives in src/luoshi/locale/en/LC_MESSAGES. Regenerate it from src/luoshi with
`manage.py makemessages -l en --ignore '.venv/*' --ignore 'tests/*'`, translate every new msgid, then
`manage.py compilemessages -l en`. These tests fail when a string was added without a translation, when the
.mo was not recompiled, or when a page shows Chinese interface text to an English reader.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from luoshi.plans.models import Plan

PACKAGE_DIR = Path(settings.PACKAGE_DIR)
EN_DIR = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES"
EN_PO = EN_DIR / "django.po"
EN_MO = EN_DIR / "django.mo"

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]")
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")

# The nav's Chinese words: none of them may show on an English page.
NAV_WORDS_ZH = ("首页", "工作计划", "任务台账", "审核队列", "导入计划", "延期申请", "催办记录", "通知", "退出")


# --- a tiny .po reader (polib is not a dependency) ------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid


PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
PO_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')


def po_unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(1)), text)


def po_parse(text: str) -> list[PoEntry]:
    """Entries of a .po file, header and obsolete (#~) entries left out."""
    entries: list[PoEntry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    current: str | None = None
    start = 0

    def close() -> None:
        nonlocal fields, flags, current
        if "msgid" in fields and fields["msgid"] != "":
            strs = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr"))]
            entries.append(PoEntry(msgid=fields["msgid"], msgid_plural=fields.get("msgid_plural"),
                                   msgctxt=fields.get("msgctxt"), msgstrs=strs, flags=flags, line=start))
        fields, flags, current = {}, set(), None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = PO_KEYWORD.match(line)
        if match:
            if match.group(1) == "msgctxt" or (match.group(1) == "msgid" and "msgctxt" not in fields):
                if "msgid" in fields:  # a new entry without a blank line between
                    close()
                start = number
            current = match.group(1)
            fields[current] = po_unquote(match.group(2))
        elif line.startswith('"') and line.endswith('"') and current:
            fields[current] += po_unquote(line[1:-1])
        else:
            raise AssertionError(f"line {number}: cannot read {raw!r}")
    close()
    return entries


@pytest.fixture(scope="module")
def catalog() -> list[PoEntry]:
    assert EN_PO.is_file(), f"{EN_PO} is missing: run makemessages -l en (see this module's docstring)"
    return po_parse(EN_PO.read_text(encoding="utf-8"))


def test_it_reads_po_text_with_plurals_context_continuations_and_obsolete_entries() -> None:
    text = "\n".join([
        'msgid ""', 'msgstr ""', '"Language: en\\n"', "",
        "#, fuzzy, python-format", 'msgid "共 %(n)s 项"', 'msgid_plural "共 %(n)s 项"',
        'msgstr[0] "%(n)s item"', 'msgstr[1] ""', '"%(n)s items"', "",
        'msgctxt "日期"', 'msgid "说\\"明\\"\\n"', 'msgstr ""', "",
        '#~ msgid "旧"', '#~ msgstr "old"',
    ])
    first, second = po_parse(text)
    assert (first.msgid, first.msgid_plural, first.msgstrs) == ("共 %(n)s 项", "共 %(n)s 项",
                                                                ["%(n)s item", "%(n)s items"])
    assert first.flags == {"fuzzy", "python-format"}
    assert (second.msgctxt, second.msgid, second.msgstrs) == ("日期", '说"明"\n', [""])
    with pytest.raises(AssertionError, match="cannot read"):
        po_parse('msgid "x"\nmsgstr "y"\ngarbage')


# --- (a) the catalog: every message translated, nothing fuzzy, placeholders kept ------------------------------


def test_it_has_a_non_fuzzy_english_translation_for_every_message(catalog: list[PoEntry]) -> None:
    assert len(catalog) > 400  # the interface has hundreds of strings: an empty or truncated file is an error
    fuzzy = [e.msgid for e in catalog if "fuzzy" in e.flags]
    untranslated = [e.msgid for e in catalog if not e.msgstrs or any(not s.strip() for s in e.msgstrs)]
    assert fuzzy == []
    assert untranslated == []
    wrong_plural_count = [e.msgid for e in catalog if e.msgid_plural is not None and len(e.msgstrs) != 2]
    assert wrong_plural_count == []


def test_it_translates_into_english_not_chinese(catalog: list[PoEntry]) -> None:
    # A msgstr copied from its msgid, or a half-translated one, still holds Chinese characters or punctuation.
    # Only an example the msgid quotes (如“市科技局”) may stay as written: it is a Chinese name.
    still_chinese = []
    for entry in catalog:
        examples = re.findall(r"“([^”]+)”", entry.msgid)
        for text in entry.msgstrs:
            for example in examples:
                text = text.replace(f'"{example}"', "")
            if CJK.search(text):
                still_chinese.append((entry.msgid, text))
    assert still_chinese == []


def test_it_writes_every_message_in_chinese_so_the_default_language_is_complete(catalog: list[PoEntry]) -> None:
    # zh-hans is the source language: the msgids are the Chinese catalogue. A msgid with no Chinese in it is an
    # English (or empty) string that a Chinese reader would see untranslated. Names of languages are the exception.
    language_names = {"English"}
    not_chinese = [e.msgid for e in catalog if not CJK.search(e.msgid) and e.msgid not in language_names]
    assert not_chinese == []


def test_it_keeps_every_placeholder_of_every_message(catalog: list[PoEntry]) -> None:
    broken = []
    for entry in catalog:
        wanted = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural or ""))
        for index, text in enumerate(entry.msgstrs):
            got = set(PLACEHOLDER.findall(text))
            # English singular forms may leave out the count (for "1"), never add or rename a placeholder.
            if got - wanted or (wanted - got and not (entry.msgid_plural and index == 0)):
                broken.append((entry.msgid, text))
        if "%(" in entry.msgid and "python-format" not in entry.flags:
            broken.append((entry.msgid, "python-format flag missing"))
    assert broken == []


def test_it_ships_a_compiled_catalog_that_matches_the_po_file(catalog: list[PoEntry]) -> None:
    with EN_MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalog:
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            if compiled.gettext(msgid) != entry.msgstrs[0]:
                stale.append(entry.msgid)
        elif entry.msgctxt is None and [compiled.ngettext(entry.msgid, entry.msgid_plural, n)
                                        for n in (1, 2)] != entry.msgstrs:
            stale.append(entry.msgid)
    assert stale == [], "the .mo is older than the .po: run `manage.py compilemessages -l en`"
    assert compiled.info().get("plural-forms", "").startswith("nplurals=2;"), "the header must not be fuzzy"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt is not installed (Debian package gettext)")
def test_it_passes_msgfmt_checks_with_everything_translated() -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    done = subprocess.run([msgfmt, "--check", "--statistics", "-o", "/dev/null", str(EN_PO)],
                          capture_output=True, text=True, timeout=60, env={"LC_ALL": "C"})
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"\d+ translated messages\.", done.stderr.strip()), done.stderr


# --- (b) completeness: every string in the source is in the committed catalog --------------------------------


@pytest.mark.skipif(any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
                    reason="GNU gettext tools are not installed (Debian package gettext; .ci/run installs it)")
def test_it_has_every_translatable_string_of_the_source_in_the_catalog(
        catalog: list[PoEntry], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # makemessages writes temporary files beside the templates: run it on a copy, never on the tree itself.
    source = tmp_path / "luoshi"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    locale = source / "locale"
    (locale / "en" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[str(locale)]):
        call_command("makemessages", locale=["en"], ignore_patterns=[".venv/*", "tests/*"], verbosity=0)
    found = po_parse((locale / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    assert len(found) > 400  # the extraction did see the apps' templates and Python files
    committed = {entry.key: entry for entry in catalog}
    missing = sorted(entry.msgid for entry in found if entry.key not in committed)
    assert missing == [], "new strings without a translation: run makemessages -l en and translate them"
    plural_changed = sorted(e.msgid for e in found if e.key in committed
                            and committed[e.key].msgid_plural != e.msgid_plural)
    assert plural_changed == []
    # The templates and Python files of every app reach the catalog.
    sources = {ref for ref in re.findall(r"^#: (.+)$", EN_PO.read_text(encoding="utf-8"), re.M)}
    files = " ".join(sources)
    for app in ("core", "orgs", "plans", "reports"):
        assert f"{app}/templates/" in files or app == "orgs", app
        assert re.search(rf"\b{app}/\w+\.py:", files), app


# --- (c) pages in English after switching, Chinese by default -------------------------------------------------


def switch_language(client: Client, language: str, next_url: str = "/") -> Any:
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def interface_text(html: str, *data: str) -> str:
    """The page's own words: nav, headings, table heads, labels, buttons; not data such as task texts.

    `data` are values the page shows inside those parts (a unit's name in a heading), left out as well.
    """
    parts = re.findall(r"<(nav|h1|h2|thead|label|button|summary|title)\b[^>]*>(.*?)</\1>", html, re.S)
    text = " ".join(inner for _tag, inner in parts)
    text = re.sub(r"<select\b.*?</select>", " ", text, flags=re.S)  # options list plans and units: data
    text = re.sub(r"<[^>]+>", " ", text)
    for value in data:
        text = text.replace(value, " ")
    return text.replace("中文", "")  # the switch back to Chinese is named in Chinese on purpose


@pytest.mark.django_db
def test_it_shows_the_ledger_home_and_login_in_english_after_switching(
        client: Client, personas: Any, published_plan: Plan) -> None:
    response = switch_language(client, "en", next_url=reverse("plans:ledger"))
    assert response.status_code == 302 and response["Location"] == reverse("plans:ledger")

    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body
    assert "Log in" in body and "Username" in body and "Password" in body
    assert CJK.findall(interface_text(body)) == []

    client.force_login(personas.supervisor)
    ledger = client.get(reverse("plans:ledger")).content.decode()
    for english in ("Task ledger", "RAG status rules", "Lead unit", "Supporting units", "Targets and actuals",
                    "Export to Excel", "Review queue", "Log out", "tasks in total"):
        assert english in ledger, english
    nav = re.search(r"<nav\b.*?</nav>", ledger, re.S)
    assert nav is not None
    assert [word for word in NAV_WORDS_ZH if word in nav.group(0)] == []
    assert CJK.findall(interface_text(ledger)) == []
    assert "市科技局" in ledger  # the data stays as written: only the interface is translated

    home = client.get(reverse("home")).content.decode()
    assert "Overview" in home and "Reports awaiting review" in home and "Recent plans" in home
    assert CJK.findall(interface_text(home)) == []

    client.force_login(personas.lead_liaison)  # another account: the choice stays in the language cookie
    home = client.get(reverse("home")).content.decode()
    assert "My tasks" in home and "Returned reports" in home and "Tasks of 市科技局" in home
    assert CJK.findall(interface_text(home, "市科技局")) == []


@pytest.mark.django_db
def test_it_shows_the_dashboards_documents_api_and_public_pages_in_english(
        client: Client, personas: Any, published_plan: Plan) -> None:
    switch_language(client, "en", next_url=reverse("home"))
    # The plan's own words (chapter titles, task texts, unit names) are data, shown as written.
    from luoshi.orgs.models import Unit

    data = sorted({published_plan.title, *(f"{t.label} {t.text}" for t in published_plan.tasks.all()),
                   *(t.text for t in published_plan.tasks.all()),
                   *(u.name for u in Unit.objects.all()), *(u.full_name for u in Unit.objects.all() if u.full_name)},
                  key=len, reverse=True)
    pages = {
        personas.leader: ["dashboards:leader"],
        personas.supervisor: ["dashboards:supervisor", "documents:index", "api:token"],
        personas.lead_liaison: ["dashboards:unit", "documents:index", "api:token"],
    }
    for account, names in pages.items():
        client.force_login(account)
        for name in names:
            response = client.get(reverse(name))
            assert response.status_code == 200, name
            body = response.content.decode()
            assert 'lang="en"' in body, name
            assert re.findall(r".{0,30}[\u3400-\u9fff]+.{0,30}", interface_text(body, *data)) == [], name

    published_plan.is_public = True
    published_plan.save(update_fields=["is_public"])
    client.logout()
    for url in (reverse("public:home"), reverse("public:plan_detail", args=[published_plan.pk])):
        body = client.get(url, {"lang": "en"}).content.decode()
        assert re.findall(r".{0,30}[\u3400-\u9fff]+.{0,30}", interface_text(body, *data)) == [], url
        assert CJK.findall(interface_text(client.get(url).content.decode())) != [], url  # Chinese without ?lang


@pytest.mark.django_db
def test_it_shows_chinese_by_default_and_back_after_switching_again(
        client: Client, personas: Any, published_plan: Plan) -> None:
    client.force_login(personas.supervisor)
    ledger = client.get(reverse("plans:ledger")).content.decode()  # no Accept-Language, no cookie
    assert 'lang="zh-Hans"' in ledger
    assert all(word in ledger for word in ("任务台账", "牵头单位", "红黄绿灯规则", "退出"))
    assert "Task ledger" not in ledger and "Log out" not in ledger

    switch_language(client, "en")
    assert "Task ledger" in client.get(reverse("plans:ledger")).content.decode()
    switch_language(client, "zh-hans")
    ledger = client.get(reverse("plans:ledger")).content.decode()
    assert "任务台账" in ledger and "Task ledger" not in ledger


@pytest.mark.django_db
def test_it_follows_the_browser_language_when_nothing_was_chosen(client: Client) -> None:
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Log in" in english and "用户名" not in english
    chinese = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "用户名" in chinese and "Username" not in chinese


@pytest.mark.django_db
def test_it_ignores_an_unknown_language_and_an_offsite_next(client: Client) -> None:
    response = switch_language(client, "xx-evil", next_url="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert "用户名" in client.get(reverse("login")).content.decode()  # still Chinese
    assert switch_language(client, "en\r\nSet-Cookie: a=b").status_code == 302
    assert "用户名" in client.get(reverse("login")).content.decode()


# --- (d) Chinese is the default and complete by construction --------------------------------------------------


def test_it_uses_chinese_as_the_default_and_offers_english() -> None:
    assert settings.LANGUAGE_CODE == "zh-hans"  # the msgids are Chinese: zh-hans needs no catalog
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.USE_I18N
    assert Path(settings.LOCALE_PATHS[0]) == PACKAGE_DIR / "locale"
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
