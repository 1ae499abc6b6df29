"""Every visible string has a Russian translation; the theme has no unknown variables."""

from __future__ import annotations

from app import i18n, theme


def test_every_visible_string_is_translated_to_russian():
    gaps = i18n.missing("ru")
    listing = "\n".join(f"  {ctx}: {src!r}" for ctx, src in gaps[:40])
    assert not gaps, f"{len(gaps)} strings lack a Russian translation (python -m app.i18n update):\n{listing}"


def test_translations_compile_and_load(qapp):
    i18n.build()
    assert i18n.install(qapp, "ru") == "ru"
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("Panels", "Incidents") == "Происшествия"
    i18n.install(qapp, "en")
    assert QCoreApplication.translate("Panels", "Incidents") == "Incidents"


def test_themes_resolve():
    for name in ("dark", "light"):
        css = theme.stylesheet(name)
        assert "@" not in css.replace("@media", "")
