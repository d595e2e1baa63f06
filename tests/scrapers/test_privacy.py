"""The one scrubber every parser keeps free text through (scrapers/parsers/privacy.py), with each parser's rules."""

from __future__ import annotations

from scrapers.parsers.finnish import public_record
from scrapers.parsers.fr_text import scrubber
from scrapers.parsers.privacy import FINNISH_PHONE, Scrubber


def test_default_rules_scrub_labels_international_phones_and_surnames() -> None:
    scrub = Scrubber(["Jan van Damme"])
    out = scrub.text("Coordinator: Dr. Kari Nordmann (kari@uni.example, Tel. 55 58 99 99). Ask van Damme or Damme.")
    assert out == "Coordinator: [staff] ([e-mail], Tel. [phone]). Ask [staff] or [staff]."
    assert scrub.text("Call 040 123 4567 or M. Dupont") == "Call 040 123 4567 or M. Dupont"  # no national numbers


def test_french_rules_scrub_words_civility_and_french_phones() -> None:
    scrub = scrubber(["Marie Dupont"])
    out = scrub("Responsable : M. Michel Durand, 03 88 12 34 56. Marie écrit à Dupont.")
    assert out == "Responsable : [contact], [phone]. [contact] écrit à [contact]."
    assert scrub(None) is None and scrub("") == ""
    assert scrub.has_contact("Tél. 03 88 12 34 56") and scrub.has_contact("a@b.fr") and not scrub.has_contact("2024")


def test_finnish_rules_and_exact_names() -> None:
    scrub = Scrubber(exact=["Matti Meikäläinen"], words=["Liisa Virtanen"], phones=FINNISH_PHONE, labels=False)
    out = scrub.text("Matti Meikäläinen, Meikäläinen, Liisa, Virtanen: 040 123 4567. Teacher: Anna Example")
    assert out == "[staff], Meikäläinen, [staff], [staff]: [phone]. Teacher: Anna Example"


def test_names_only_rules_leave_numbers() -> None:
    scrub = Scrubber(exact=["Ola"], phones=None, labels=False)
    assert scrub.text("Ola, ola@dtu.example, +45 45 25 25 25") == "[staff], [e-mail], +45 45 25 25 25"


def test_value_copies_drops_keys_and_walks_deep_values_without_recursion() -> None:
    record = {"Teachers": ["x"], "text": "Mail a@b.fi", "n": 5, "items": [{"email": "a@b.fi", "t": "ok"}]}
    out = Scrubber().value(record, drop=lambda key: str(key).lower() in {"teachers", "email"})
    assert out == {"text": "Mail [e-mail]", "n": 5, "items": [{"t": "ok"}]}
    assert record["Teachers"] == ["x"]  # the input is left as it was
    deep: list[object] = ["a@b.fi"]
    for _ in range(5000):
        deep = [deep]
    walked = Scrubber().value(deep)
    for _ in range(5000):
        walked = walked[0]
    assert walked == ["[e-mail]"]


def test_public_record_drops_people_and_scrubs_their_names() -> None:
    record = {
        "teachers": [{"name": "Liisa Virtanen"}],
        "muokkaaja": {"nimi": "Matti Meikäläinen"},
        "kuvaus": {"en": "Ask Virtanen or Matti Meikäläinen (Meikäläinen edits), 09-1234 5678."},
    }
    assert public_record(record) == {
        "kuvaus": {"en": "Ask [staff] or [staff] (Meikäläinen edits), [phone]."},
    }
