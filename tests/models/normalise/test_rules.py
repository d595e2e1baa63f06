"""Each normalisation rule with the forms sources use (English, Danish, German, French) and the bad inputs."""

from datetime import date

import pytest

from models.normalise.assessment import (
    assessment_from_certificate,
    assessment_from_text,
    normalise_assessment,
    quality_assurance_from_text,
)
from models.normalise.countries import country_from_domain, to_iso3166_alpha2
from models.normalise.credits import (
    cats_in_text,
    ects_in_text,
    estimate_ects,
    infer_eqf_from_level,
    infer_eqf_from_text,
    parse_ects,
    parse_eqf,
)
from models.normalise.dates import parse_date
from models.normalise.languages import languages_in, to_iso639_1
from models.normalise.numbers import parse_number
from models.normalise.outcomes import detect_language, split_statements, statement_key
from models.normalise.participation import participation_form
from models.normalise.prices import fx_table, parse_price, to_eur
from models.normalise.subjects import broad_fields, isced_broad
from models.normalise.text import one_line, strip_markup
from models.normalise.workload import notional_hours, parse_duration, parse_effort


@pytest.mark.parametrize(
    ("text", "lo", "hi", "per"),
    [
        ("4-8 hours/week", 4, 8, "week"),
        ("3 hours per week", 3, 3, "week"),
        ("10-12 hrs/week", 10, 12, "week"),
        ("4 Hours / Week", 4, 4, "week"),
        ("5 hours weekly", 5, 5, "week"),
        ("PT60H", 60, 60, "total"),
        ("PT1H30M", 1.5, 1.5, "total"),
        ("approx. 120 hours", 120, 120, "total"),
        ("90 minutes", 1.5, 1.5, "total"),
        ("2 hours per day", 2, 2, "day"),
        ("4 timer om ugen", 4, 4, "week"),
        ("4-6 timer pr. uge", 4, 6, "week"),
        ("4 Stunden pro Woche", 4, 4, "week"),
        ("4-6 Std./Woche", 4, 6, "week"),
        ("ca. 20 Stunden", 20, 20, "total"),
        ("4 heures par semaine", 4, 4, "week"),
        ("3 à 5 heures par semaine", 3, 5, "week"),
        ("8 to 4 hours per week", 4, 8, "week"),
    ],
)
def test_effort_forms(text, lo, hi, per):
    effort = parse_effort(text)
    assert (effort.lo, effort.hi, effort.per, effort.error) == (lo, hi, per, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0 hours", "not a workload"),
        ("200 hours per week", "plausible maximum"),
        ("self-paced", "self-paced"),
        ("i dit eget tempo", "self-paced"),
        ("à votre rythme", "self-paced"),
        ("P6W", "duration, not an effort"),
        ("lots of work", "no hours"),
        ("", "empty"),
    ],
)
def test_effort_refused_with_reason(text, reason):
    effort = parse_effort(text)
    assert effort.lo is None and reason in effort.error


@pytest.mark.parametrize(
    ("text", "weeks_lo", "weeks_hi"),
    [
        ("6 weeks", 6, 6),
        ("2 Weeks", 2, 2),
        ("4-6 weeks", 4, 6),
        ("P6W", 6, 6),
        ("P1Y", 52, 52),
        ("3 months", 13, 13),
        ("12 meses", 52, 52),
        ("1 year (approx)", 52, 52),
        ("14 Days", 2, 2),
        ("6 uger", 6, 6),
        ("3 dage", 3 / 7, 3 / 7),
        ("6 Wochen", 6, 6),
        ("3 Monate", 13, 13),
        ("6 semaines", 6, 6),
        ("2 mois", 52 / 6, 52 / 6),
        ("10 jours", 10 / 7, 10 / 7),
    ],
)
def test_duration_forms(text, weeks_lo, weeks_hi):
    span = parse_duration(text)
    assert span.error is None
    assert span.weeks_lo == pytest.approx(weeks_lo) and span.weeks_hi == pytest.approx(weeks_hi)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("999 weeks", "plausible maximum"),
        ("0 weeks", "not a duration"),
        ("do not publish", "no weeks"),
        ("self-paced", "self-paced"),
        ("P0D", "not a duration"),
    ],
)
def test_duration_refused_with_reason(text, reason):
    span = parse_duration(text)
    assert span.weeks_lo is None and reason in span.error


def test_hours_per_week_times_weeks_and_the_cases_that_cannot_multiply():
    hours = notional_hours(parse_effort("4-8 hours/week"), parse_duration("6 weeks"))
    assert (hours.lo, hours.hi, hours.rule) == (24, 48, "workload.hours_per_week_x_weeks")
    assert "4-8 h/week x 6-6 weeks" in hours.note
    no_span = notional_hours(parse_effort("4 hours/week"), None)
    assert no_span.lo is None and no_span.rule == "workload.per_period_without_duration"
    days = notional_hours(parse_effort("6 hours per day"), parse_duration("5 days"))
    assert (days.lo, days.hi) == (30, 30)
    assert notional_hours(parse_effort("6 hours per day"), parse_duration("2 weeks")).lo is None
    total = notional_hours(parse_effort("PT60H"), None)
    assert (total.lo, total.rule) == (60, "workload.total_hours")


@pytest.mark.parametrize(
    ("value", "ects"),
    [
        ("5", 5),
        ("7,5", 7.5),
        ("7.5 ECTS", 7.5),
        ("5 ECTS-Punkte", 5),
        ("5 crédits ECTS", 5),
        ("ECTS: 10", 10),
        (2.5, 2.5),
        ("15 ECTS-point", 15),
    ],
)
def test_ects_given_forms(value, ects):
    credits = parse_ects(value)
    assert (credits.value, credits.rule) == (ects, "ects.given")


@pytest.mark.parametrize("value", ["0", "-5", "300", "lots", True])
def test_ects_invalid(value):
    credits = parse_ects(value)
    assert credits.value is None and credits.rule == "ects.invalid" and credits.note


def test_ects_estimated_from_hours_records_the_rule():
    credits = estimate_ects(120, 150)
    assert credits.value == 4.9 and credits.rule == "ects.estimated_from_hours"
    assert "25-30 h per ECTS" in credits.note and "120-150 h" in credits.note
    assert estimate_ects(1, 1).value is None


def test_ects_and_cats_stated_in_text():
    assert ects_in_text("Micro-credential (5 ECTS)") == 5
    assert ects_in_text("certificate of achievement") is None
    assert cats_in_text("15 CATS credits") == 15


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("6", 6),
        (6, 6),
        ("EQF 6", 6),
        ("EQF level 7", 7),
        ("http://data.europa.eu/snb/eqf/5", 5),
        ("Level 4", 4),
    ],
)
def test_eqf_given_forms(value, level):
    assert parse_eqf(value).value == level


@pytest.mark.parametrize("value", [9, "0", "EQF 9", "advanced"])
def test_eqf_invalid(value):
    assert parse_eqf(value).value is None


@pytest.mark.parametrize(
    ("label", "level"),
    [
        ("DTU_MSC", 7),
        ("DTU_BSC", 6),
        ("DTU_PHD", 8),
        ("DTU_DIPLOM", 6),
        ("Master's level", 7),
        ("Bachelor", 6),
        ("Postgraduate Diploma in Law", 7),
        ("Certificate of Higher Education in Social Care", 5),
        ("Kandidat", 7),
        ("SCQF 9", 6),
        ("SCQF 11", 7),
        ("RQF Level 6", 6),
        ("MicroMasters program certificate", 7),
        ("Doctoral", 8),
        ("Licence", 6),
    ],
)
def test_eqf_inferred_from_explicit_levels(label, level):
    result = infer_eqf_from_level(label)
    assert result.value == level and result.rule.startswith("eqf.inferred") and result.note


@pytest.mark.parametrize(
    "label", ["Introductory", "Beginner", "Intermediate", "Advanced", "Fortgeschritten", "Débutant", "All levels"]
)
def test_difficulty_infers_no_eqf(label):
    result = infer_eqf_from_level(label)
    assert result.value is None and "difficulty" in result.note


def test_eqf_from_description_needs_a_stated_level():
    assert infer_eqf_from_text("This is a master's level course in genomics.").value == 7
    assert infer_eqf_from_text("Kurset er på kandidatniveau.").value == 7
    assert infer_eqf_from_text("Ein Kurs auf Bachelor-Niveau.").value == 6
    assert infer_eqf_from_text("Master the basics of Python and level up.").value is None


@pytest.mark.parametrize(
    ("raw", "form"),
    [
        ("Online", "online"),
        ("Distance without attendance", "online"),
        ("instructor_paced", "online"),
        ("MOOC", "online"),
        ("Fernstudium", "online"),
        ("en ligne", "online"),
        ("fjernundervisning", "online"),
        ("Campus_Lyngby", "on-site"),
        ("In person", "on-site"),
        ("Face-to-face", "on-site"),
        ("Präsenz", "on-site"),
        ("présentiel", "on-site"),
        ("fremmøde", "on-site"),
        ("Blended", "blended"),
        ("Hybrid", "blended"),
        ("Mixed mode", "blended"),
        ("Distance with attendance", "blended"),
        ("hybride", "blended"),
        ("online and on campus", "blended"),
    ],
)
def test_participation_vocabularies(raw, form):
    assert participation_form(raw)[0] == form


def test_participation_unknown_stays_empty():
    form, reason = participation_form("Tuesday evenings")
    assert form is None and "names no form" in reason


def test_assessment_from_source_vocabularies():
    assert normalise_assessment("Written_Exam") == "written exam"
    assert normalise_assessment("eval of exercises") == "evaluation of exercises"
    assert assessment_from_certificate("verified certificate (paid)")[0].startswith("graded")
    assert assessment_from_certificate("Statement of Participation")[0] is None
    assert assessment_from_text("The course ends with a written exam in June.") == "written exam"
    assert assessment_from_text("Kurset afsluttes med en skriftlig eksamen.") == "skriftlig eksamen"
    assert assessment_from_text("Abschlussprüfung am Ende.") == "abschlussprüfung"
    assert assessment_from_text("Un examen final en ligne.") == "examen final"
    assert assessment_from_text("Watch videos and discuss.") is None


def test_quality_assurance_phrase_is_a_whole_clause():
    text = "Taught by Henley Business School – a pioneering institution that is triple accredited by AACSB. More."
    phrase = quality_assurance_from_text(text)
    assert phrase.startswith("Taught by Henley") and phrase.endswith("AACSB") and "More" not in phrase
    assert quality_assurance_from_text("Nothing about quality labels here") is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("da-DK", "da"),
        ("en_GB", "en"),
        ("eng", "en"),
        ("ger", "de"),
        ("English", "en"),
        ("Dansk", "da"),
        ("Deutsch", "de"),
        ("Englisch", "en"),
        ("anglais", "en"),
        ("Français", "fr"),
        ("tysk", "de"),
        ("http://publications.europa.eu/resource/authority/language/ENG", "en"),
        ("Klingon-ish", None),
        ("", None),
    ],
)
def test_languages_to_iso639_1(value, code):
    assert to_iso639_1(value) == code


def test_language_lists_in_one_string():
    assert languages_in("English, German") == ("en", "de")
    assert languages_in("Dansk og engelsk") == ("da", "en")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("DK", "DK"),
        ("dnk", "DK"),
        ("Denmark", "DK"),
        ("Danmark", "DK"),
        ("Deutschland", "DE"),
        ("UK", "GB"),
        ("EL", "GR"),
        ("Allemagne", "DE"),
        ("http://publications.europa.eu/resource/authority/country/IRL", "IE"),
        ("Atlantis", None),
    ],
)
def test_countries_to_alpha2(value, code):
    assert to_iso3166_alpha2(value) == code


def test_country_from_the_providers_own_domain_only():
    assert country_from_domain("https://www.dtu.dk") == "DK"
    assert country_from_domain("http://www.leeds.ac.uk/") == "GB"
    assert country_from_domain("https://www.mit.edu") is None
    assert country_from_domain("https://www.europa.eu") is None


@pytest.mark.parametrize(
    ("subject", "codes"),
    [
        ("Tech & Coding", ["06"]),
        ("Business & Management", ["04"]),
        ("Science, Engineering & Maths", ["05", "07"]),
        ("Health & Psychology", ["03", "09"]),
        ("Teaching", ["01"]),
        ("History", ["02"]),
        ("Study Skills", ["00"]),
        ("computer-science", ["06"]),
        ("Datalogi", ["06"]),
        ("Maschinenbau", ["07"]),
        ("Informatique", ["06"]),
        ("http://data.europa.eu/snb/isced-f/0688", ["06"]),
        ("Landwirtschaft", ["08"]),
        ("Tourisme", ["10"]),
    ],
)
def test_subjects_to_isced_broad_fields(subject, codes):
    assert sorted(c for c, _ in isced_broad(subject)) == codes


def test_isced_table_has_the_eleven_broad_fields():
    assert sorted(broad_fields()) == [f"{i:02d}" for i in range(11)]
    assert isced_broad("Quidditch") == ()


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-01-13", date(2025, 1, 13)),
        ("2025-01-13T09:00:00Z", date(2025, 1, 13)),
        ("13.01.2025", date(2025, 1, 13)),
        ("13/01/2025", date(2025, 1, 13)),
        ("13 January 2025", date(2025, 1, 13)),
        ("January 13, 2025", date(2025, 1, 13)),
        ("13. januar 2025", date(2025, 1, 13)),
        ("13. Januar 2025", date(2025, 1, 13)),
        ("13 janvier 2025", date(2025, 1, 13)),
        ("3. März 2025", date(2025, 3, 3)),
        ("Jan 2025", date(2025, 1, 1)),
    ],
)
def test_dates_to_iso8601(text, day):
    assert parse_date(text)[0] == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2124-01-01", "placeholder"),
        ("31.02.2025", "not a valid calendar date"),
        ("soon", "not a recognised date"),
    ],
)
def test_dates_refused_with_reason(text, reason):
    day, why = parse_date(text)
    assert day is None and reason in why


@pytest.mark.parametrize(
    ("text", "amount", "currency", "free"),
    [
        ("$49", 49, "USD", False),
        ("79.00 USD", 79, "USD", False),
        ("149 €", 149, "EUR", False),
        ("49,00 EUR", 49, "EUR", False),
        ("DKK 1.500", 1500, "DKK", False),
        ("GBP1250.00", 1250, "GBP", False),
        ("$3,500", 3500, "USD", False),
        ("€ 1.234,56", 1234.56, "EUR", False),
        ("free", 0, None, True),
        ("Gratis", 0, None, True),
        ("kostenlos", 0, None, True),
        ("gratuit", 0, None, True),
        ("150.00 USD (verified); 0.00 USD (audit)", 150, "USD", True),
    ],
)
def test_price_forms(text, amount, currency, free):
    price = parse_price(text)
    assert (price.amount, price.currency, price.is_free, price.error) == (amount, currency, free, None)


def test_subscription_and_kroner_need_context():
    assert parse_price("$49/month").period == "month"
    assert parse_price("kr. 1.500", "DK").currency == "DKK"
    assert "ambiguous" in parse_price("kr. 1.500").error


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-49 EUR", "negative"),
        ("€ -10", "negative"),
        ("49 XYZ", "unknown currency"),
        ("29.00", "no currency"),
        ("call us", "no amount"),
    ],
)
def test_bad_prices_are_refused_with_reason(text, reason):
    price = parse_price(text)
    assert price.amount is None and reason in price.error


def test_eur_conversion_uses_the_dated_table():
    day, rates = fx_table()
    assert rates["EUR"] == 1 and "USD" in rates and "DKK" in rates
    eur, used = to_eur(100, "DKK")
    assert used == day and eur == round(100 / rates["DKK"], 2)
    assert to_eur(100, "XAU")[0] is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7,5", 7.5),
        ("7.5", 7.5),
        ("1.500,00", 1500),
        ("3,500", 3500),
        ("1 500", 1500),
        ("49.00", 49),
        ("abc", None),
    ],
)
def test_numbers(text, value):
    assert parse_number(text) == value


def test_outcome_statements_split_and_keyed():
    assert split_statements("- Explain A\n- Apply B\n• Use C • Do D") == ["Explain A", "Apply B", "Use C", "Do D"]
    assert split_statements("* One statement keeps its text;") == ["* One statement keeps its text;"]
    long = "Explain things carefully and at length. " * 20
    assert len(split_statements(long.strip())) == 20
    assert statement_key("Explain  A.") == statement_key("explain a")


def test_outcome_language_detection():
    assert detect_language("Forklare grundlæggende begreber i diskret matematik")[0] == "da"
    assert detect_language("Die Teilnehmenden können die Grundbegriffe der Statistik erklären")[0] == "de"
    assert detect_language("Comprendre les principes de base de la programmation")[0] == "fr"
    assert detect_language("Apply deep learning to computer vision problems")[0] == "en"
    assert detect_language("Python")[0] is None


def test_markup_is_removed_with_script_content():
    assert strip_markup("<p>One<br>Two</p><ul><li>A</li><li>B</li></ul>") == "One\nTwo\n\nA\n\nB"
    assert one_line("<script>alert(1)</script>Hello <b>world</b>") == "Hello world"
    assert one_line("&lt;script&gt;alert(1)&lt;/script&gt; ok") == "ok"
    assert one_line("<p>unclosed <script>var x = 1;") == "unclosed"
    assert one_line("a < b and c > d") == "a < b and c > d"
    assert one_line("Tom &amp; Jerry") == "Tom & Jerry"
