"""URLs, e-mail addresses, domains, handles, hashtags and slashes."""

from __future__ import annotations

from service.document.normalize import normalize


def pairs(text: str) -> list[tuple[str, str]]:
    return [(w, text[a:b]) for w, a, b in normalize(text).words()]


def test_domain_with_path():
    assert normalize("example.com/path").text == "example dot com slash path"


def test_email_address():
    text = "mail jane@example.org."
    assert normalize(text).text == "mail jane at example dot org."
    assert pairs(text)[1:] == [(w, "jane@example.org") for w in ["jane", "at", "example", "dot", "org"]]


def test_url_with_scheme_and_www():
    assert normalize("https://www.example.com").text == "H.T.T.P.S colon slash slash W.W.W dot example dot com"


def test_country_code_domains_are_spelled():
    assert normalize("news.co.uk").text == "news dot co dot U.K"


def test_short_unpronounceable_labels_are_spelled():
    assert normalize("bbc.com").text == "B.B.C dot com"


def test_digits_in_addresses_are_read_one_by_one():
    assert normalize("jane123@gmail.com").text == "jane one two three at gmail dot com"


def test_path_separators():
    assert normalize("www.site.com/a-b_c").text == "W.W.W dot site dot com slash a dash b underscore c"


def test_file_extension_is_spelled():
    assert normalize("example.com/intro.html").text == "example dot com slash intro dot H.T.M.L"


def test_capitalised_domain():
    assert normalize("Amazon.com").text == "Amazon dot com"


def test_latin_abbreviations_are_not_domains():
    assert normalize("e.g. this").text == "for example this"


def test_slash_between_words():
    assert normalize("upgrade/update").text == "upgrade slash update"
    assert normalize("and/or").text == "and or"


def test_handle_and_hashtag():
    assert normalize("@nvidia").text == "at nvidia"
    assert normalize("#MeToo").text == "hashtag MeToo"


def test_number_sign():
    assert normalize("#1 hit").text == "number one hit"


def test_ip_address():
    assert normalize("123.123.0.40").text == "one two three dot one two three dot zero dot four zero"
